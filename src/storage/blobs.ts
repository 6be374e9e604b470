// Content-addressed blob store: blobs/sha256/<hex>. Blobs are written under a temporary name
// in paths.tmp and renamed into place, so a present blob is always complete. We keep image
// configs (keyed by image ID) and uncompressed layer tars (keyed by diff ID) here.
import { createReadStream } from 'node:fs'
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { randomBytes } from 'node:crypto'
import { hexOf, sha256 } from './digest.js'

export class BlobStore {
  constructor(private readonly root: string, private readonly tmp: string) {}

  path(digest: string): string {
    return join(this.root, 'sha256', hexOf(digest))
  }

  async has(digest: string): Promise<boolean> {
    return stat(this.path(digest)).then(() => true, () => false)
  }

  async size(digest: string): Promise<number> {
    return (await stat(this.path(digest))).size
  }

  read(digest: string): Promise<Buffer> {
    return readFile(this.path(digest))
  }

  stream(digest: string): Readable {
    return createReadStream(this.path(digest))
  }

  /** Stores `data`; returns its digest. */
  async put(data: Buffer): Promise<string> {
    const digest = sha256(data)
    if (await this.has(digest)) return digest
    const tmp = join(this.tmp, `blob-${randomBytes(8).toString('hex')}`)
    await mkdir(this.tmp, { recursive: true })
    await writeFile(tmp, data)
    await this.adopt(tmp, digest)
    return digest
  }

  /** Moves a complete file whose digest the caller verified into the store (same filesystem). */
  async adopt(file: string, digest: string): Promise<void> {
    await mkdir(join(this.root, 'sha256'), { recursive: true })
    if (await this.has(digest)) {
      await rm(file, { force: true })
      return
    }
    await rename(file, this.path(digest))
  }

  async remove(digest: string): Promise<void> {
    await rm(this.path(digest), { force: true })
  }
}
