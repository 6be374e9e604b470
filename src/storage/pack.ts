// Packing a directory (a container's upper dir, or any layer directory) into an OCI layer tar:
// the reverse of unpack. Overlay whiteouts (char 0/0) become `.wh.<name>` entries and an opaque
// directory (trusted.overlay.opaque=y) gets a `.wh..wh..opq` entry. Order is deterministic
// (depth first, byte order) and hard links are written once and linked after. An exclusion
// leaves paths out (a container's generated /etc files) or keeps a directory's own entry but not
// its children (volume and bind mount points, present but empty in a committed image).
// Other extended attributes go in as binary-safe SCHILY.xattr.* PAX records (tar-pax.ts), except
// overlay's own and the host's SELinux label.
import { closeSync, createReadStream, lstatSync, openSync, readdirSync, readlinkSync, readSync, type Stats } from 'node:fs'
import { join, posix } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import tar from 'tar-stream'
import { add, type TarHeader } from '../lib/tar-entry.js'
import { isOverlayXattr, paxOf } from './tar-pax.js'
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './unpack.js'
import { isWhiteout, major, minor } from './walk.js'

export { add, type TarHeader }

export interface XattrReader {
  getXattr(path: string, name: string): Buffer | undefined
}

/** What packing needs to copy every attribute (sys/ffi.ts in production). */
export interface XattrLister extends XattrReader {
  listXattrs(path: string): string[]
}

/** Paths relative to the packed directory, without a leading slash. */
export interface LayerExclusion {
  /** Left out entirely, with anything below them. */
  paths?: readonly string[]
  /** Kept themselves, their children left out. */
  contentsOf?: readonly string[]
}

/** The diff ID of a tar with no entries (its 1024-byte end marker only): "nothing changed". */
export const EMPTY_TAR_DIFF_ID = 'sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef'

/** Files up to this size are read in one call instead of streamed: most of a layer's files are small. */
const SMALL_FILE = 1 << 20

const normalized = (paths: readonly string[] | undefined) =>
  new Set((paths ?? []).map((p) => p.replace(/^\/+|\/+$/g, '')).filter((p) => p !== ''))

export const isOpaque = (x: XattrReader, path: string) => x.getXattr(path, 'trusted.overlay.opaque')?.toString() === 'y'

/** One entry as the packer saw it, for a sink that copies the tree while it is packed (layer-copy.ts). */
export interface PackedEntry {
  rel: string
  abs: string
  st: Stats
  /** The tar header written for it (a whiteout's is the `.wh.` file). */
  header: TarHeader
  /** A small file's content, read once for the tar; undefined for larger files (read by path). */
  content?: Buffer
  /** For a hard link: the `rel` of the first path of the same inode. */
  linkTo?: string
  isOpaque: boolean
  /** Extended attributes written with the entry (overlay's own left out), in name order. */
  xattrs: Array<[string, Buffer]>
}

export interface PackOptions {
  exclude?: LayerExclusion
  /** Called for each entry, in tar order, before the next is read. */
  onEntry?: (e: PackedEntry) => void
}

/** The header of one entry; undefined for what a layer cannot hold (sockets). */
function headerOf(rel: string, st: Stats, abs: string, links: Map<string, string>): { header: TarHeader; linkTo?: string } | undefined {
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: new Date(Math.floor(st.mtimeMs / 1000) * 1000) }
  if (isWhiteout(st)) {
    const name = posix.join(posix.dirname(rel), WHITEOUT_PREFIX + posix.basename(rel))
    return { header: { ...base, name, mode: 0o600, uid: 0, gid: 0, type: 'file', size: 0 } }
  }
  if (st.isDirectory()) return { header: { ...base, name: `${rel}/`, type: 'directory' } }
  if (st.isSymbolicLink()) return { header: { ...base, name: rel, type: 'symlink', linkname: readlinkSync(abs) } }
  if (st.isFile()) {
    const key = `${st.dev}:${st.ino}`
    const first = st.nlink > 1 ? links.get(key) : undefined
    if (first) return { header: { ...base, name: rel, type: 'link', linkname: first, size: 0 }, linkTo: first }
    if (st.nlink > 1) links.set(key, rel)
    return { header: { ...base, name: rel, type: 'file', size: st.size } }
  }
  const type = st.isCharacterDevice() ? 'character-device' : st.isBlockDevice() ? 'block-device' : st.isFIFO() ? 'fifo' : undefined
  if (!type) return undefined
  return { header: { ...base, name: rel, type, devmajor: major(st.rdev), devminor: minor(st.rdev) } }
}

/** A small file's whole content in one read; one that changed size meanwhile is an error (its header is written). */
function readSmall(abs: string, size: number): Buffer {
  const fd = openSync(abs, 'r')
  try {
    const buf = Buffer.allocUnsafe(size)
    const n = readSync(fd, buf, 0, size, 0)
    if (n !== size) throw new Error(`pack ${abs}: file changed size while being read`)
    return buf
  } finally {
    closeSync(fd)
  }
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

const VFS_CAP_REVISION_2 = 2
const VFS_CAP_REVISION_3 = 3
const VFS_CAP_V2_SIZE = 20

/**
 * A file capability as a layer holds it: a revision-3 value (namespaced, naming the root UID of
 * the user namespace it was set in) becomes revision 2, as Docker writes it — that UID means
 * nothing outside the namespace the layer was made in.
 */
export function layerCapability(value: Buffer): Buffer {
  if (value.length <= VFS_CAP_V2_SIZE || value[3] !== VFS_CAP_REVISION_3) return value
  const v2 = Buffer.from(value.subarray(0, VFS_CAP_V2_SIZE))
  v2[3] = VFS_CAP_REVISION_2
  return v2
}

/** The attributes a layer entry carries: all but overlay's bookkeeping and the host's SELinux label. */
function layerXattrs(x: XattrLister, abs: string): Array<[string, Buffer]> {
  const out: Array<[string, Buffer]> = []
  for (const name of x.listXattrs(abs).sort(byteOrder)) {
    if (isOverlayXattr(name) || name === 'security.selinux') continue
    const value = x.getXattr(abs, name)
    if (value === undefined) continue // removed meanwhile
    out.push([name, name === 'security.capability' ? layerCapability(value) : value])
  }
  return out
}

/** Depth first, children in byte order, never following symlinks; `prune` keeps a directory's children out. */
function* walkSync(root: string, prune: (rel: string) => boolean, rel = ''): Generator<{ rel: string; abs: string; st: Stats }> {
  for (const name of readdirSync(rel ? join(root, rel) : root).sort(byteOrder)) {
    const r = rel ? `${rel}/${name}` : name
    const abs = join(root, r)
    const st = lstatSync(abs)
    yield { rel: r, abs, st }
    if (st.isDirectory() && !prune(r)) yield* walkSync(root, prune, r)
  }
}

/** Entries handed to tar-stream between two waits for it to drain: bounds memory, lets the daemon breathe. */
const BATCH_ENTRIES = 256
const BATCH_BYTES = 8 << 20

/**
 * The layer tar of `dir`, streamed. Entries are read with synchronous syscalls (a layer is mostly
 * small files: a thread-pool round trip per stat and read cost more than the reads), in batches
 * between which the stream drains. Errors destroy the stream.
 */
export function packLayer(dir: string, x: XattrLister, opts: PackOptions = {}): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  pack.pipe(out)
  // A reader gone (a client closed): the pack is destroyed and the walk stops at its next entry;
  // the error is the reader's to see, not an uncaught 'error' on the pack.
  pack.on('error', () => undefined)
  out.once('close', () => pack.destroy())
  const left = normalized(opts.exclude?.paths)
  const emptied = normalized(opts.exclude?.contentsOf)
  ;(async () => {
    const links = new Map<string, string>()
    let pending: Promise<void> = Promise.resolve()
    let entries = 0
    let bytes = 0
    for (const { rel, abs, st } of walkSync(dir, (r) => left.has(r) || emptied.has(r))) {
      if (left.has(rel)) continue
      const made = headerOf(rel, st, abs, links)
      if (!made) continue
      const { header, linkTo } = made
      const opaque = st.isDirectory() && isOpaque(x, abs)
      // a hard link's attributes are its inode's, written with the first path; a whiteout has none
      const xattrs = linkTo !== undefined || isWhiteout(st) ? [] : layerXattrs(x, abs)
      if (xattrs.length > 0) header.pax = paxOf(xattrs)
      const isData = header.type === 'file' && !isWhiteout(st) && st.size > 0
      const content = isData && st.size <= SMALL_FILE ? readSmall(abs, st.size) : undefined
      opts.onEntry?.({ rel, abs, st, header, content, linkTo, isOpaque: opaque, xattrs })
      // Promise.all: tar-stream completes entries in order; every rejection is still observed
      const then = (p: Promise<void>) => (pending = Promise.all([pending, p]).then(() => undefined))
      if (isData && !content) await then(add(pack, header, createReadStream(abs, { end: st.size - 1 })))
      else then(add(pack, header, content))
      if (opaque) then(add(pack, { ...header, pax: undefined, name: `${rel}/${OPAQUE_WHITEOUT}`, mode: 0o600, uid: 0, gid: 0, type: 'file', size: 0 }))
      bytes += content?.length ?? 0
      if (++entries % BATCH_ENTRIES === 0 || bytes > BATCH_BYTES) {
        await pending
        bytes = 0
      }
    }
    await pending
    pack.finalize()
  })().catch((e: Error) => out.destroy(e))
  return out
}
