// Repository over the `images` and `tags` tables. An image row holds its ImageRecord as JSON;
// a tag row maps a full normalised reference (`docker.io/library/busybox:latest`) to an image
// ID. Tags always point at an existing image (foreign key); remove an image's tags first.
import type { Db } from './db.js'
import type { ImageRecord } from './records.js'

export interface TagRow {
  ref: string
  imageId: string
}

export class ImageRepository {
  constructor(private readonly db: Db) {}

  get(id: string): ImageRecord | undefined {
    const row = this.db.prepare('SELECT record FROM images WHERE id = ?').get(id) as { record: string } | undefined
    return row ? (JSON.parse(row.record) as ImageRecord) : undefined
  }

  list(): ImageRecord[] {
    const rows = this.db.prepare('SELECT record FROM images').all() as Array<{ record: string }>
    return rows.map((r) => JSON.parse(r.record) as ImageRecord)
  }

  /** IDs starting with `prefix` (`sha256:` included in the prefix). */
  idsWithPrefix(prefix: string): string[] {
    const rows = this.db
      .prepare("SELECT id FROM images WHERE substr(id, 1, ?) = ?")
      .all(prefix.length, prefix) as Array<{ id: string }>
    return rows.map((r) => r.id)
  }

  /** Inserts or replaces. */
  put(image: ImageRecord): void {
    this.db.prepare('INSERT OR REPLACE INTO images (id, record) VALUES (?, ?)').run(image.id, JSON.stringify(image))
  }

  remove(id: string): void {
    this.db.prepare('DELETE FROM tags WHERE image_id = ?').run(id)
    this.db.prepare('DELETE FROM images WHERE id = ?').run(id)
  }

  tagged(ref: string): string | undefined {
    const row = this.db.prepare('SELECT image_id FROM tags WHERE ref = ?').get(ref) as { image_id: string } | undefined
    return row?.image_id
  }

  /** Full refs pointing at `imageId`, sorted. */
  tagsOf(imageId: string): string[] {
    const rows = this.db.prepare('SELECT ref FROM tags WHERE image_id = ? ORDER BY ref').all(imageId) as Array<{ ref: string }>
    return rows.map((r) => r.ref)
  }

  allTags(): TagRow[] {
    const rows = this.db.prepare('SELECT ref, image_id FROM tags ORDER BY ref').all() as Array<{ ref: string; image_id: string }>
    return rows.map((r) => ({ ref: r.ref, imageId: r.image_id }))
  }

  /** Points `ref` at `imageId`, moving it from any other image. Returns the previous image ID. */
  setTag(ref: string, imageId: string): string | undefined {
    const previous = this.tagged(ref)
    this.db.prepare('INSERT OR REPLACE INTO tags (ref, image_id) VALUES (?, ?)').run(ref, imageId)
    return previous !== imageId ? previous : undefined
  }

  removeTag(ref: string): void {
    this.db.prepare('DELETE FROM tags WHERE ref = ?').run(ref)
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}
