// A new layer's directory built while its tar is packed (pack.ts onEntry): what unpacking that
// tar would give — the same entries, modes, owners and (second-precision) mtimes, overlay
// whiteouts for `.wh.` entries, trusted.overlay.opaque on opaque directories, the entries' other
// extended attributes (set after the owner: chown clears security.capability) — without parsing
// the tar again. Used when the tree being packed is our own (a container's upper dir), so no
// name can escape `dest`: names come from readdir of the source, never from an archive.
//
// Synchronous syscalls on purpose: a layer is mostly small files and a thread-pool round trip per
// call costs more than the call. Directory mtimes are set last, once their children exist.
import { closeSync, copyFileSync, constants, createWriteStream, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync, symlinkSync, chmodSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { DigestStream } from './digest.js'
import { packLayer, type LayerExclusion, type PackedEntry, type XattrLister } from './pack.js'
import { setLayerXattrs, type NodeOps } from './unpack.js'
import { isWhiteout } from './walk.js'

export class LayerCopy {
  /** Bytes of regular-file content, as LayerStore counts a layer's size. */
  size = 0
  private readonly dirTimes: Array<[string, Date]> = []

  constructor(private readonly dest: string, private readonly ops: Pick<NodeOps, 'mknod' | 'mkWhiteout' | 'setXattr'>) {
    mkdirSync(dest, { mode: 0o755 })
  }

  /** Copies one entry; entries come parent first (pack.ts walk order). */
  add(e: PackedEntry): void {
    const { st, header: h } = e
    const path = join(this.dest, e.rel)
    const mtime = h.mtime!
    if (isWhiteout(st)) return void this.ops.mkWhiteout(path)
    if (st.isDirectory()) {
      mkdirSync(path, { mode: 0o700 })
      lchownSync(path, st.uid, st.gid)
      chmodSync(path, st.mode & 0o7777)
      if (e.isOpaque) this.ops.setXattr(path, 'trusted.overlay.opaque', Buffer.from('y'))
      setLayerXattrs(this.ops, path, e.xattrs)
      this.dirTimes.push([path, mtime])
      return
    }
    if (e.linkTo !== undefined) return void linkSync(join(this.dest, e.linkTo), path)
    if (st.isSymbolicLink()) {
      symlinkSync(h.linkname!, path)
      lchownSync(path, st.uid, st.gid)
      setLayerXattrs(this.ops, path, e.xattrs)
      lutimesSync(path, mtime, mtime)
      return
    }
    if (st.isFile()) return this.file(e, path, mtime)
    this.ops.mknod(path, (st.mode & ~0o7777) | 0o600, st.isFIFO() ? 0 : st.rdev)
    lchownSync(path, st.uid, st.gid)
    chmodSync(path, st.mode & 0o7777)
    setLayerXattrs(this.ops, path, e.xattrs)
    lutimesSync(path, mtime, mtime)
  }

  private file(e: PackedEntry, path: string, mtime: Date): void {
    const { st } = e
    if (e.content === undefined && st.size > 0) copyFileSync(e.abs, path, constants.COPYFILE_EXCL)
    const fd = openSync(path, e.content === undefined && st.size > 0 ? 'r+' : 'wx', 0o600)
    try {
      if (e.content) writeSync(fd, e.content)
      // owner before mode: chown clears set-id bits
      fchownSync(fd, st.uid, st.gid)
      setLayerXattrs(this.ops, path, e.xattrs)
      fchmodSync(fd, st.mode & 0o7777)
      futimesSync(fd, mtime, mtime)
    } finally {
      closeSync(fd)
    }
    this.size += st.size
  }

  /** Directory times, deepest first: creating children changed them. */
  finish(): void {
    for (const [path, mtime] of this.dirTimes.reverse()) lutimesSync(path, mtime, mtime)
  }
}

export interface PackedLayer {
  diffId: string
  /** The uncompressed layer tar, inside `work`, for the blob store. */
  tarFile: string
  tarSize: number
  /** Bytes of regular-file content. */
  size: number
}

/**
 * Packs `src` into `work/layer.tar` and builds `work/diff` from the same pass: `work` then has
 * the shape LayerStore keeps under layers/<chain>/ once the tar has gone to the blob store.
 */
export async function packAndCopy(src: string, work: string, io: XattrLister & Pick<NodeOps, 'mknod' | 'mkWhiteout' | 'setXattr'>, exclude?: LayerExclusion): Promise<PackedLayer> {
  const copy = new LayerCopy(join(work, 'diff'), io)
  const tarFile = join(work, 'layer.tar')
  const digest = new DigestStream()
  await pipeline(packLayer(src, io, { exclude, onEntry: (e) => copy.add(e) }), digest, createWriteStream(tarFile))
  copy.finish()
  return { diffId: digest.digest(), tarFile, tarSize: digest.bytes, size: copy.size }
}
