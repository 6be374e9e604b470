// Unpacked layers: layers/<chain hex>/diff, each unpacked once and shared by every image that
// stands on it. A layer is prepared in paths.tmp (unpacked from a tar, or built by commit while
// packing) and adopted: renamed into place, so a present directory is complete. Its uncompressed
// tar is kept in the blob store (keyed by diff ID) so that save and push can send it byte for byte.
import { createWriteStream, type WriteStream } from 'node:fs'
import { mkdir, mkdtemp, rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { BerthError } from '../lib/errors.js'
import type { BlobStore } from './blobs.js'
import { chainIdOf, hexOf } from './digest.js'
import { unpack, type NodeOps, type UnpackResult } from './unpack.js'

export const LAYER_MEDIA_TYPE = 'application/vnd.oci.image.layer.v1.tar'

export interface CreatedLayer {
  chainId: string
  diffId: string
  /** Bytes of regular-file content. */
  size: number
  /** Bytes of the uncompressed tar. */
  tarSize: number
}

/** A layer made outside the store (commit builds it while packing): its tar and sizes. */
export interface PreparedLayer {
  diffId: string
  /** The uncompressed tar, inside the work directory. */
  tarFile: string
  tarSize: number
  /** Bytes of regular-file content. */
  size: number
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

  /** A fresh directory in which to prepare a layer for adopt: `diff/` and its tar. */
  async workDir(prefix = 'layer-'): Promise<string> {
    await mkdir(this.tmp, { recursive: true })
    return mkdtemp(join(this.tmp, prefix))
  }

  /**
   * Unpacks a (possibly compressed) layer tar on top of `parentChainId` (null for a bottom
   * layer), in one pass: the uncompressed stream is written to the layer's tar file while it is
   * unpacked. When `expectedDiffId` is given the content must match it; that is known only at
   * the end, so it is checked before adopt: until then the layer lies in a work dir in tmp, and
   * the unpack never writes outside it. `beforeAdopt` gets the diff ID once the content is known
   * and checked, before the layer goes in: a caller that cannot name the layer earlier (import)
   * claims it there, so that a concurrent removal of the same layer leaves it.
   */
  async create(input: Readable, parentChainId: string | null, expectedDiffId?: string, beforeAdopt?: (diffId: string) => void): Promise<CreatedLayer> {
    const work = await this.workDir()
    const tarFile = join(work, 'layer.tar')
    let file: WriteStream | undefined
    let r: UnpackResult
    try {
      await mkdir(join(work, 'diff'), { mode: 0o755 })
      file = createWriteStream(tarFile)
      r = await unpack(input, join(work, 'diff'), { layer: this.ops, copyTo: file })
      if (expectedDiffId && r.diffId !== expectedDiffId) {
        throw new BerthError('invalid', `layer ${expectedDiffId}: content has diff ID ${r.diffId}`)
      }
      beforeAdopt?.(r.diffId)
    } catch (e) {
      input.destroy()
      // the tar file's descriptor goes before its directory does
      if (file && !file.closed) await new Promise<void>((resolve) => file!.destroy().once('close', () => resolve()))
      await rm(work, { recursive: true, force: true })
      throw e
    }
    return this.adopt(work, { diffId: r.diffId, tarFile, tarSize: r.tarSize, size: r.size }, parentChainId)
  }

  /**
   * Takes in a prepared layer: `work` (from workDir) holds the complete `diff/` and `tarFile`
   * its uncompressed tar. The tar goes to the blob store and `work` becomes layers/<chain>/;
   * when another call placed the same chain first, its directory is kept and ours discarded.
   * `work` is gone afterwards, whatever happens.
   */
  async adopt(work: string, layer: PreparedLayer, parentChainId: string | null): Promise<CreatedLayer> {
    const { diffId } = layer
    const chainId = chainIdOf(parentChainId, diffId)
    try {
      // one adopt or removal per tar at a time: see removeTar
      await this.serialized(`tar ${diffId}`, () => this.blobs.adopt(layer.tarFile, diffId))
      await mkdir(this.root, { recursive: true })
      // one placement per chain ID at a time: two pulls unpacking the same layer must not both
      // see it absent, nor clear away the directory the other just renamed into place
      await this.serialized(`dir ${chainId}`, async () => {
        if (await this.has(chainId)) await rm(work, { recursive: true, force: true })
        else {
          await rm(this.dir(chainId), { recursive: true, force: true }) // a half-removed leftover without diff/
          await rename(work, this.dir(chainId))
        }
      })
      return { chainId, diffId, size: layer.size, tarSize: layer.tarSize }
    } catch (e) {
      await rm(work, { recursive: true, force: true })
      throw e
    }
  }

  private readonly locks = new Map<string, Promise<void>>()

  private async serialized(key: string, fn: () => Promise<void>): Promise<void> {
    const before = this.locks.get(key) ?? Promise.resolve()
    const mine = before.then(fn, fn)
    const tail = mine.catch(() => undefined)
    this.locks.set(key, tail)
    try {
      await mine
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key)
    }
  }

  /**
   * Removes a layer directory, in turn with placements of the same chain: it is renamed away
   * first, so a concurrent adopt never mistakes a directory being deleted for a present layer.
   */
  async remove(chainId: string): Promise<void> {
    await this.serialized(`dir ${chainId}`, async () => {
      const gone = await this.workDir('removing-')
      try {
        await rename(this.dir(chainId), join(gone, 'layer')).catch((e: NodeJS.ErrnoException) => {
          if (e.code !== 'ENOENT') throw e
        })
      } finally {
        await rm(gone, { recursive: true, force: true })
      }
    })
  }

  /**
   * Removes a layer's uncompressed tar from the blob store unless `isWanted()`, which is asked
   * while no adopt of the same tar can run: a call that adopts it afterwards stores it again.
   */
  async removeTar(diffId: string, isWanted: () => boolean): Promise<void> {
    await this.serialized(`tar ${diffId}`, async () => {
      if (!isWanted()) await this.blobs.remove(diffId)
    })
  }
}
