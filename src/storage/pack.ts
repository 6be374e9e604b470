// Packing a directory (a container's upper dir, or any layer directory) into an OCI layer tar:
// the reverse of unpack. Overlay whiteouts (char 0/0) become `.wh.<name>` entries and an opaque
// directory (trusted.overlay.opaque=y) gets a `.wh..wh..opq` entry. Order is deterministic
// (depth first, byte order) and hard links are written once and linked after.
// TODO: other xattrs (security.capability…) as SCHILY.xattr.* PAX records; needs listxattr in sys/ffi.ts.
import { createReadStream } from 'node:fs'
import { readlink } from 'node:fs/promises'
import { posix } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import tar from 'tar-stream'
import { OPAQUE_WHITEOUT, WHITEOUT_PREFIX } from './unpack.js'
import { isWhiteout, major, minor, walk, type WalkEntry } from './walk.js'

type TarHeader = Parameters<tar.Pack['entry']>[0]

export interface XattrReader {
  getXattr(path: string, name: string): Buffer | undefined
}

export const isOpaque = (x: XattrReader, path: string) => x.getXattr(path, 'trusted.overlay.opaque')?.toString() === 'y'

/** Writes one tar entry, its body streamed with backpressure. */
export function add(pack: tar.Pack, h: TarHeader, body?: Readable): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error | null) => (e ? reject(e) : resolve())
    if (!body) {
      pack.entry(h, '', done)
      return
    }
    const entry = pack.entry(h, done)
    ;(async () => {
      for await (const chunk of body) {
        if (!entry.write(chunk as Buffer)) await new Promise<void>((r) => entry.once('drain', () => r()))
      }
      entry.end(undefined as never)
    })().catch(reject)
  })
}

async function packEntry(pack: tar.Pack, e: WalkEntry, x: XattrReader, links: Map<string, string>): Promise<void> {
  const { st, rel, abs } = e
  const base = { mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: new Date(Math.floor(st.mtimeMs / 1000) * 1000) }
  if (isWhiteout(st)) {
    const name = posix.join(posix.dirname(rel), WHITEOUT_PREFIX + posix.basename(rel))
    return add(pack, { ...base, name, mode: 0o600, uid: 0, gid: 0, type: 'file', size: 0 })
  }
  if (st.isDirectory()) {
    await add(pack, { ...base, name: `${rel}/`, type: 'directory' })
    if (isOpaque(x, abs)) await add(pack, { ...base, name: `${rel}/${OPAQUE_WHITEOUT}`, mode: 0o600, uid: 0, gid: 0, type: 'file', size: 0 })
    return
  }
  if (st.isSymbolicLink()) return add(pack, { ...base, name: rel, type: 'symlink', linkname: await readlink(abs) })
  if (st.isFile()) {
    const key = `${st.dev}:${st.ino}`
    const first = st.nlink > 1 ? links.get(key) : undefined
    if (first) return add(pack, { ...base, name: rel, type: 'link', linkname: first, size: 0 })
    if (st.nlink > 1) links.set(key, rel)
    return add(pack, { ...base, name: rel, type: 'file', size: st.size }, st.size > 0 ? createReadStream(abs) : undefined)
  }
  const type = st.isCharacterDevice() ? 'character-device' : st.isBlockDevice() ? 'block-device' : st.isFIFO() ? 'fifo' : undefined
  if (!type) return // sockets are not part of a layer
  return add(pack, { ...base, name: rel, type, devmajor: major(st.rdev), devminor: minor(st.rdev) })
}

/** The layer tar of `dir`, streamed. Errors destroy the stream. */
export function packLayer(dir: string, x: XattrReader): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  pack.pipe(out)
  ;(async () => {
    const links = new Map<string, string>()
    for await (const e of walk(dir)) await packEntry(pack, e, x, links)
    pack.finalize()
  })().catch((e: Error) => out.destroy(e))
  return out
}
