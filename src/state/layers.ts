// Repository over the `layers` table: one row per unpacked layer, keyed by chain ID. The row
// is written after layers/<chain hex>/diff exists and removed before that directory is.
import type { Db } from './db.js'
import type { LayerRecord } from './records.js'

export class LayerRepository {
  constructor(private readonly db: Db) {}

  get(chainId: string): LayerRecord | undefined {
    const row = this.db.prepare('SELECT record FROM layers WHERE chain_id = ?').get(chainId) as { record: string } | undefined
    return row ? (JSON.parse(row.record) as LayerRecord) : undefined
  }

  list(): LayerRecord[] {
    const rows = this.db.prepare('SELECT record FROM layers').all() as Array<{ record: string }>
    return rows.map((r) => JSON.parse(r.record) as LayerRecord)
  }

  put(layer: LayerRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO layers (chain_id, record) VALUES (?, ?)').run(layer.chainId, JSON.stringify(layer))
  }

  remove(chainId: string): void {
    this.db.prepare('DELETE FROM layers WHERE chain_id = ?').run(chainId)
  }
}
