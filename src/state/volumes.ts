// Volumes: one row per volume, keyed by name, the record as JSON. The row exists only while the
// volume's directory does (the service creates the directory first and removes it last). The
// record's type belongs to engine/volumes/types.ts; the repository only needs its name.
import type { Db } from './db.js'

export class VolumeRepo<VolumeRecord extends { name: string }> {
  private readonly stmts

  constructor(db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO volumes (name, record) VALUES (?, ?)'),
      remove: db.prepare('DELETE FROM volumes WHERE name = ?'),
      get: db.prepare('SELECT record FROM volumes WHERE name = ?'),
      all: db.prepare('SELECT record FROM volumes ORDER BY name'),
    }
  }

  /** Throws SQLITE_CONSTRAINT_PRIMARYKEY when the name is taken. */
  insert(v: VolumeRecord): void {
    this.stmts.insert.run(v.name, JSON.stringify(v))
  }

  remove(name: string): void {
    this.stmts.remove.run(name)
  }

  get(name: string): VolumeRecord | undefined {
    const row = this.stmts.get.get(name) as { record: string } | undefined
    return row ? (JSON.parse(row.record) as VolumeRecord) : undefined
  }

  all(): VolumeRecord[] {
    return (this.stmts.all.all() as Array<{ record: string }>).map((r) => JSON.parse(r.record) as VolumeRecord)
  }
}
