// Unpacked layers: layers/<chain hex>/diff, each unpacked once and shared by every image that
// stands on it. A layer is unpacked into paths.tmp and renamed into place, so a present
// directory is complete. Its uncompressed tar is kept in the blob store (keyed by diff ID) so
// that save and push can send it byte for byte.
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BerthError } from '../lib/errors.js'
import type { BlobStore } from './blobs.js'
import { decompressed } from './decompress.js'
import { DigestStream, hexOf, sha256 } from './digest.js'
import { unpack, type NodeOps } from './unpack.js'

export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar'

export interface CreatedLayer {
  chainId: string
  diffId: string
  /** Bytes of regular-file content. */
  size: number
  /** Bytes of the uncompressed tar. */
  tarSize: number
}

export class LayerStore {
  constructor(
    private readonly root: string,
    private readonly tmp: string,
    private readonly blobs: BlobStore,
    private readonly ops: NodeOps,
  ) {}

  dir(chainId: string): string {
    return join(this.root, hexOf(chainId))
  }

  diffDir(chainId: string): string {
    return join(this.dir(chainId), 'diff')
  }

  async has(chainId: string): Promise<boolean> {
    return stat(this.diffDir(chainId)).then((s) => s.isDirectory(), () => false)
  }

  /**
   * Unpacks a (possibly compressed) layer tar on top of `parentChainId` (null for a bottom
   * layer). When `expectedDiffId` is given the content must match it. Writes the uncompressed
   * tar to the blob store first, then unpacks from it, then renames the directory into place;
   * when another call got there first, its directory is kept and ours discarded.
   */
  async create(input: Readable, parentChainId: string | null, expectedDiffId?: string): Promise<CreatedLayer> {
    await mkdir(this.tmp, { recursive: true })
    const work = await mkdtemp(join(this.tmp, 'layer-'))
    try {
      const tarFile = join(work, 'layer.tar')
      const digest = new DigestStream()
      await pipeline(decompressed(input), digest, createWriteStream(tarFile))
      const diffId = digest.digest()
      if (expectedDiffId && diffId !== expectedDiffId) {
        throw new BerthError('invalid', `layer ${expectedDiffId}: content has diff ID ${diffId}`)
      }
      await mkdir(join(work, 'diff'), { mode: 0o755 })
      const r = await unpack(createReadStream(tarFile), join(work, 'diff'), { layer: this.ops })
      await this.blobs.adopt(tarFile, diffId)
      const chainId = parentChainId === null ? diffId : sha256(`${parentChainId} ${diffId}`)
      await mkdir(this.root, { recursive: true })
      // one placement per chain ID at a time: two pulls unpacking the same layer must not both
      // see it absent, nor clear away the directory the other just renamed into place
      await this.serialized(chainId, async () => {
        if (await this.has(chainId)) await rm(work, { recursive: true, force: true })
        else {
          await rm(this.dir(chainId), { recursive: true, force: true }) // a half-removed leftover without diff/
          await rename(work, this.dir(chainId))
        }
      })
      return { chainId, diffId, size: r.size, tarSize: r.tarSize }
    } catch (e) {
      await rm(work, { recursive: true, force: true })
      throw e
    }
  }

  private readonly placing = new Map<string, Promise<void>>()

  private async serialized(chainId: string, fn: () => Promise<void>): Promise<void> {
    const before = this.placing.get(chainId) ?? Promise.resolve()
    const mine = before.then(fn, fn)
    const tail = mine.catch(() => undefined)
    this.placing.set(chainId, tail)
    try {
      await mine
    } finally {
      if (this.placing.get(chainId) === tail) this.placing.delete(chainId)
    }
  }

  async remove(chainId: string): Promise<void> {
    await rm(this.dir(chainId), { recursive: true, force: true })
  }
}
