// Packing an entry resolved inside a scope (scoped-path.ts) into a tar, as `docker cp` reads it:
// the top entry is renamed, directories are walked depth first in byte order, mounts met on
// the way are entered at their host source, hard links are written once and linked after.
// As Docker's archive, an entry carries one extended attribute, security.capability (a binary
// SCHILY.xattr PAX record, tar-pax.ts), in the portable revision-2 form layers use (pack.ts).
//
// Invariant: the walk never follows a symlink. Each child is opened relative to its parent's open
// descriptor with O_NOFOLLOW and described by fstat of what was opened; file content is read by
// reopening that descriptor, so a component swapped for a link meanwhile is never followed.
import { createReadStream, constants } from 'node:fs'
import { open, readdir, readlink, type FileHandle } from 'node:fs/promises'
import { PassThrough, type Readable } from 'node:stream'
import type { Stats } from 'node:fs'
import tar from 'tar-stream'
import { major, minor } from './walk.js'
import { add, layerCapability, type XattrReader } from './pack.js'
import { paxOf } from './tar-pax.js'
import { procPath, unreachable, type Scope } from './scoped-path.js'

const O_PATH = 0o10000000
const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))
const CAPABILITY = 'security.capability'

interface Node {
  fh: FileHandle
  st: Stats
  /** Container path, for mount lookups. */
  inside: string
  /** Name in the archive. */
  name: string
  /** Where to read a symlink's target: parent descriptor + name (an O_PATH link cannot be read). */
  linkAt?: string
  /** A symlink's target read beforehand (the top entry). */
  linkTarget?: string
}

class Packer {
  private readonly links = new Map<string, string>()

  constructor(private readonly pack: tar.Pack, private readonly scope: Scope, private readonly x: XattrReader) {}

  async node(n: Node): Promise<void> {
    const { st } = n
    const cap = this.capability(n)
    const base = {
      name: n.name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: new Date(Math.floor(st.mtimeMs / 1000) * 1000),
      pax: cap ? paxOf([[CAPABILITY, layerCapability(cap)]]) : undefined,
    }
    if (st.isDirectory()) {
      await add(this.pack, { ...base, name: `${n.name}/`, type: 'directory' })
      return this.children(n)
    }
    if (st.isSymbolicLink()) {
      return add(this.pack, { ...base, type: 'symlink', linkname: n.linkTarget ?? (await readlink(n.linkAt!)) })
    }
    if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`
      const first = st.nlink > 1 ? this.links.get(key) : undefined
      if (first) return add(this.pack, { ...base, type: 'link', linkname: first, size: 0 })
      if (st.nlink > 1) this.links.set(key, n.name)
      if (st.size === 0) return add(this.pack, { ...base, type: 'file', size: 0 })
      const body = createReadStream(procPath(n.fh.fd), { end: st.size - 1 }) // reopens this inode
      return add(this.pack, { ...base, type: 'file', size: st.size }, body)
    }
    const type = st.isCharacterDevice() ? 'character-device' : st.isBlockDevice() ? 'block-device' : st.isFIFO() ? 'fifo' : undefined
    if (!type) return // sockets have no archive form
    return add(this.pack, { ...base, type, devmajor: major(st.rdev), devminor: minor(st.rdev) })
  }

  /**
   * Read through the descriptor's /proc path, which only a following getxattr resolves to the
   * inode that was opened. Docker ignores a failed read here, and so do we: the entry is still sent.
   */
  private capability(n: Node): Buffer | undefined {
    try {
      return this.x.getXattr(procPath(n.fh.fd), CAPABILITY)
    } catch {
      return undefined
    }
  }

  private async children(dir: Node): Promise<void> {
    const names = (await readdir(procPath(dir.fh.fd))).sort(byteOrder)
    for (const name of names) {
      const child = await this.openChild(dir, name)
      if (!child) continue // gone meanwhile
      try {
        await this.node(child)
      } finally {
        await child.fh.close()
      }
    }
  }

  private async openChild(dir: Node, name: string): Promise<Node | undefined> {
    const inside = dir.inside === '/' ? `/${name}` : `${dir.inside}/${name}`
    const archiveName = `${dir.name}/${name}`
    const mount = this.scope.mounts.find((m) => m.destination === inside)
    if (mount) {
      if (mount.source === undefined) throw unreachable(inside)
      const fh = await open(mount.source, O_PATH)
      return { fh, st: await fh.stat(), inside, name: archiveName }
    }
    const at = `${procPath(dir.fh.fd)}/${name}`
    // O_NOFOLLOW relative to the open parent: whatever is there now, a link is never entered
    const fh = await open(at, O_PATH | constants.O_NOFOLLOW).catch(() => undefined)
    if (!fh) return undefined // gone meanwhile
    const now = await fh.stat()
    return { fh, st: now, inside, name: archiveName, linkAt: at }
  }
}

export interface ScopedPackOptions {
  /** Reads an attribute of `/proc/self/fd/N`, following that link (sys/ffi.ts getXattr with `follow`). */
  xattrs: XattrReader
  /** The top entry's symlink target, read beforehand. */
  linkTarget?: string
}

/**
 * The tar of an entry, its top entry named `topName`. The stream takes ownership of `fh`
 * (closed at the end) and of nothing else; errors destroy the stream.
 */
export function packScoped(scope: Scope, entry: { fh: FileHandle; st: Stats; inside: string }, topName: string, opts: ScopedPackOptions): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  pack.pipe(out)
  // A reader gone mid-stream (`cp c:/big - | head`): the pack stops and its error is not uncaught.
  pack.on('error', () => undefined)
  out.once('close', () => pack.destroy())
  ;(async () => {
    try {
      await new Packer(pack, scope, opts.xattrs).node({ ...entry, name: topName, linkTarget: opts.linkTarget })
    } finally {
      await entry.fh.close()
    }
    pack.finalize()
  })().catch((e: Error) => out.destroy(e))
  return out
}
