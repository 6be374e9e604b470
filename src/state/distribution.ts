// Repository over the `distribution` table: which compressed blob a layer (diff ID) was pulled
// as, from which registry and repository. Push reads it to send a layer without recompressing
// (when the registry already has the blob) and to mount it across repositories. Rows describe
// remote content only, so they may outlive the layer: a row for a diff ID berth no longer has is
// harmless and is removed with the layer's last image.
import type { Db } from './db.js'

export interface DistributionRecord {
  /** Uncompressed digest (the layer's diff ID). */
  diffId: string
  /** Digest of the blob as the registry stores it. */
  digest: string
  mediaType: string
  size: number
  /** host[:port] the blob was pulled from (`registry-1.docker.io` for docker.io). */
  registry: string
  /** `library/busybox` */
  repository: string
}

interface Row {
  diff_id: string
  digest: string
  media_type: string
  size: number
  registry: string
  repository: string
}

const toRecord = (r: Row): DistributionRecord => ({
  diffId: r.diff_id,
  digest: r.digest,
  mediaType: r.media_type,
  size: r.size,
  registry: r.registry,
  repository: r.repository,
})

export class DistributionRepository {
  constructor(private readonly db: Db) {}

  put(r: DistributionRecord): void {
    this.db
      .prepare('INSERT OR REPLACE INTO distribution (diff_id, digest, media_type, size, registry, repository) VALUES (?, ?, ?, ?, ?, ?)')
      .run(r.diffId, r.digest, r.mediaType, r.size, r.registry, r.repository)
  }

  /** Every known blob of a layer, most specific first is up to the caller. */
  byDiffId(diffId: string): DistributionRecord[] {
    return (this.db.prepare('SELECT * FROM distribution WHERE diff_id = ? ORDER BY registry, repository').all(diffId) as Row[]).map(toRecord)
  }

  /** Where a compressed blob is known to live. */
  byDigest(digest: string): DistributionRecord[] {
    return (this.db.prepare('SELECT * FROM distribution WHERE digest = ? ORDER BY registry, repository').all(digest) as Row[]).map(toRecord)
  }

  removeDiffId(diffId: string): void {
    this.db.prepare('DELETE FROM distribution WHERE diff_id = ?').run(diffId)
  }
}
