// Safe tar extraction: a layer (or an image archive) is streamed into an empty directory.
//
// Invariants: nothing is written outside `root` (names are cleaned and parents lstat-walked, see
// safe-path.ts; hard links must point inside; an existing final component is replaced, never
// followed). With `layer` semantics, ownership, device nodes and xattrs are applied and OCI
// whiteouts become overlay whiteouts: `.wh.<name>` → char 0/0, `.wh..wh..opq` →
// trusted.overlay.opaque=y on the directory. The diff ID is the sha256 of the uncompressed tar.
import { constants, createWriteStream } from 'node:fs'
import { chmod, link, lstat, mkdir, open, rm, symlink, lutimes } from 'node:fs/promises'
import { posix } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { Readable, Writable } from 'node:stream'
import tar from 'tar-stream'
import { BerthError } from '../lib/errors.js'
import { CopyTo } from './copy-to.js'
import { decompressed } from './decompress.js'
import { DigestStream } from './digest.js'
import { isOverlayXattr, xattrsOf } from './tar-pax.js'
import { chmodNoFollow, cleanName, ensureParents, existingInside, pinParents, removeTreePinned } from './safe-path.js'

export const WHITEOUT_PREFIX = '.wh.'
export const OPAQUE_WHITEOUT = '.wh..wh..opq'
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000
const S_IFIFO = 0o010000

/** The syscalls a layer unpack needs beyond plain file writes (sys/ffi.ts in production). */
export interface NodeOps {
  mknod(path: string, mode: number, dev: bigint | number): unknown
  mkWhiteout(path: string): unknown
  lchown(path: string, uid: number, gid: number): unknown
  setXattr(path: string, name: string, value: Buffer): void
}

export interface UnpackOptions {
  /**
   * Set for image layers: owners, devices, xattrs and whiteouts are applied through it (needs
   * root). Absent for image archives: only files, directories and symlinks, owned by us.
   */
  layer?: NodeOps
  /** `docker cp -a`: keep the archive's owners (without it, new entries belong to the caller, root). */
  keepOwners?: Pick<NodeOps, 'lchown'>
  /** docker cp: device nodes and fifos are made (as Docker's extraction does); without it or `layer` they are refused. */
  nodes?: Pick<NodeOps, 'mknod'>
  /** docker cp: the archive's extended attributes are set (overlay's own excepted), as Docker's extraction does. */
  xattrs?: Pick<NodeOps, 'setXattr'>
  /** Refuse to replace a directory with a non-directory or the reverse (docker cp). */
  noOverwriteDirNonDir?: boolean
  /**
   * Where an entry goes when it is not simply under `root` (docker cp into a directory that has
   * mounts below it): the root and the components within it. Both come from the caller.
   * `isFile`: the entry's path is a single-file mount whose source is `root`; a file entry
   * rewrites that file in place (a mount point cannot be unlinked), anything else is refused.
   */
  route?: (parts: readonly string[]) => Routed
  /**
   * The tree may change while we write (a running container's root): parents are walked by
   * descriptor and modes set without following links (safe-path.ts pinParents).
   */
  pinned?: boolean
  /** How an entry is named in error messages (docker cp: its container path). */
  describe?: (parts: readonly string[]) => string
  /**
   * Receives the uncompressed tar as it is unpacked (a layer's tar file: one read of the source
   * for both); ended and flushed before unpack resolves, destroyed if it fails.
   */
  copyTo?: Writable
}

export interface UnpackResult {
  /** sha256 of the uncompressed tar stream. */
  diffId: string
  /** Bytes of the uncompressed tar stream. */
  tarSize: number
  /** Bytes of regular-file content unpacked (Docker's layer size). */
  size: number
}

export interface Routed { root: string; parts: string[]; isFile?: boolean }

type Header = Omit<tar.Header, 'pax' | 'type'> & { type?: tar.Header['type'] | null; pax?: Record<string, string> | null }
/** An entry's body as tar-stream hands it over (a streamx Readable). */
type Body = AsyncIterable<Buffer> & { resume(): unknown }

/**
 * Sets a layer entry's extended attributes. Overlay's own are never taken from a layer (they
 * would steer the mount: redirects, metacopy); a filesystem without xattr support skips them,
 * as Docker's extraction does.
 */
export function setLayerXattrs(ops: Pick<NodeOps, 'setXattr'>, path: string, xattrs: Iterable<readonly [string, Buffer]>): void {
  for (const [name, value] of xattrs) {
    if (isOverlayXattr(name)) continue
    try {
      ops.setXattr(path, name, value)
    } catch (e) {
      if ((e as { code?: string }).code !== 'EOPNOTSUPP') throw e
    }
  }
}

/** glibc's makedev. */
export const makedev = (major: number, minor: number): bigint =>
  ((BigInt(major) & 0xfffff000n) << 32n) | ((BigInt(major) & 0xfffn) << 8n) |
  ((BigInt(minor) & 0xffffff00n) << 12n) | (BigInt(minor) & 0xffn)

async function removeExisting(path: string, keepDir: boolean, pinned = false): Promise<void> {
  const st = await lstat(path).catch(() => undefined)
  if (!st) return
  if (keepDir && st.isDirectory()) return
  if (pinned && st.isDirectory()) return removeTreePinned(posix.dirname(path), posix.basename(path))
  await rm(path, { recursive: true, force: true })
}

interface DirTimes { root: string; parts: string[]; mtime: Date }

class Extractor {
  size = 0
  private readonly dirTimes: DirTimes[] = []

  constructor(private readonly root: string, private readonly opts: UnpackOptions) {}

  async entry(h: Header, body: Body): Promise<void> {
    const named = cleanName(h.name)
    const base = named[named.length - 1] ?? ''
    if (this.opts.layer && base.startsWith(WHITEOUT_PREFIX)) {
      body.resume()
      return this.whiteout(h, named)
    }
    const { root, parts, isFile } = this.opts.route?.(named) ?? { root: this.root, parts: named }
    if (isFile) return this.rewriteFileMount(h, body, root, parts, named)
    if (!this.opts.pinned) return this.write(h, body, { root, parts, path: await ensureParents(root, parts, h.name) }, named)
    const pin = await pinParents(root, parts, h.name, true)
    try {
      await this.write(h, body, { root, parts, path: pin.path }, named)
    } finally {
      await pin.release()
    }
  }

  private async write(h: Header, body: Body, at: { root: string; parts: string[]; path: string }, named: string[]): Promise<void> {
    const { root, parts, path } = at
    if (this.opts.noOverwriteDirNonDir) await this.checkKind(path, h, named)
    switch (h.type) {
      case 'directory':
        await removeExisting(path, true, this.opts.pinned)
        await mkdir(path, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e })
        this.dirTimes.push({ root, parts, mtime: this.mtimeOf(h) })
        break
      case 'file':
      case 'contiguous-file':
      case null:
      case undefined:
        if (parts.length === 0) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: a file cannot replace the root`)
        await removeExisting(path, false, this.opts.pinned)
        await pipeline(body, createWriteStream(path, { flags: 'wx', mode: 0o600 }))
        this.size += h.size ?? 0
        break
      case 'symlink':
        await removeExisting(path, false, this.opts.pinned)
        await symlink(h.linkname ?? '', path)
        break
      case 'link':
        await removeExisting(path, false, this.opts.pinned)
        await this.hardLink(h, root, path)
        break
      case 'character-device':
      case 'block-device':
      case 'fifo':
        if (!this.opts.layer && !this.opts.nodes) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: device nodes are not allowed here`)
        await removeExisting(path, false, this.opts.pinned)
        ;(this.opts.layer ?? this.opts.nodes)!.mknod(path, this.nodeMode(h), h.type === 'fifo' ? 0 : makedev(h.devmajor ?? 0, h.devminor ?? 0))
        break
      default:
        body.resume()
        return // pax/GNU bookkeeping entries tar-stream already folded in
    }
    body.resume()
    if (h.type !== 'link') await this.applyMetadata(path, h) // a hard link shares its target's inode
  }

  /** An entry that lands on a single-file mount: only a file's content can go there, into the same inode. */
  private async rewriteFileMount(h: Header, body: Body, file: string, parts: readonly string[], named: string[]): Promise<void> {
    const name = this.opts.describe?.(named) ?? h.name
    const isFile = h.type === 'file' || h.type === 'contiguous-file' || !h.type
    if (parts.length > 0 || !isFile) {
      body.resume()
      throw new BerthError('invalid', `cannot overwrite ${JSON.stringify(name)} with ${JSON.stringify(h.name)}: it is a single-file mount, only a regular file can replace its content`)
    }
    const fh = await open(file, constants.O_WRONLY | constants.O_TRUNC | constants.O_NOFOLLOW)
    await pipeline(body, fh.createWriteStream()) // the stream closes the handle
    this.size += h.size ?? 0
    await this.applyMetadata(file, h)
  }

  private async checkKind(path: string, h: Header, parts: readonly string[]): Promise<void> {
    const st = await lstat(path).catch(() => undefined)
    if (!st) return
    const name = this.opts.describe?.(parts) ?? h.name
    const isDir = h.type === 'directory'
    if (st.isDirectory() && !isDir) throw new BerthError('invalid', `cannot overwrite directory ${JSON.stringify(name)} with non-directory ${JSON.stringify(h.name)}`)
    if (!st.isDirectory() && isDir) throw new BerthError('invalid', `cannot overwrite non-directory ${JSON.stringify(name)} with directory ${JSON.stringify(h.name)}`)
  }

  /** Sets directory mtimes last: writing children changed them. */
  async finish(): Promise<void> {
    for (const d of this.dirTimes.reverse()) {
      if (!this.opts.pinned) {
        await lutimes(d.parts.length === 0 ? d.root : posix.join(d.root, ...d.parts), d.mtime, d.mtime)
        continue
      }
      const pin = await pinParents(d.root, d.parts, d.parts.join('/'), false)
      await lutimes(pin.path, d.mtime, d.mtime).finally(() => pin.release())
    }
  }

  private async whiteout(h: Header, parts: string[]): Promise<void> {
    const base = parts[parts.length - 1]!
    const dir = await ensureParents(this.root, parts, h.name)
    const parent = posix.dirname(dir)
    if (base === OPAQUE_WHITEOUT) {
      this.opts.layer!.setXattr(parent, 'trusted.overlay.opaque', Buffer.from('y'))
      return
    }
    const target = base.slice(WHITEOUT_PREFIX.length)
    if (target === '' || target === '.' || target === '..') {
      throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: bad whiteout`)
    }
    const path = posix.join(parent, target)
    await removeExisting(path, false)
    this.opts.layer!.mkWhiteout(path)
  }

  private async hardLink(h: Header, root: string, path: string): Promise<void> {
    if (!this.opts.pinned) return link(await this.linkTarget(h, root), path)
    const target = await this.linkTarget(h, root)
    const pin = await pinParents(root, posix.relative(root, target).split('/'), h.linkname ?? '', false)
    try {
      const st = await lstat(pin.path)
      if (!st.isFile()) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: hard link target ${JSON.stringify(h.linkname)} is not a file`)
      await link(pin.path, path)
    } finally {
      await pin.release()
    }
  }

  private async linkTarget(h: Header, entryRoot: string): Promise<string> {
    const named = cleanName(h.linkname ?? '')
    const { root, parts } = this.opts.route?.(named) ?? { root: this.root, parts: named }
    if (parts.length === 0) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: hard link to the root`)
    if (root !== entryRoot) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: hard link across mounts`)
    const target = await existingInside(root, parts, h.linkname ?? '')
    const st = await lstat(target).catch(() => undefined)
    if (!st) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: hard link target ${JSON.stringify(h.linkname)} not found`)
    if (st.isDirectory()) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(h.name)}: hard link to a directory`)
    return target
  }

  private nodeMode(h: Header): number {
    const perm = (h.mode ?? 0o644) & 0o7777
    return perm | (h.type === 'character-device' ? S_IFCHR : h.type === 'block-device' ? S_IFBLK : S_IFIFO)
  }

  private mtimeOf(h: Header): Date {
    const pax = h.pax?.mtime
    if (pax && Number.isFinite(Number(pax))) return new Date(Number(pax) * 1000)
    return h.mtime ?? new Date(0)
  }

  private async applyMetadata(path: string, h: Header): Promise<void> {
    const isLink = h.type === 'symlink'
    const chown = this.opts.layer ?? this.opts.keepOwners
    if (chown) {
      const uid = h.pax?.uid !== undefined ? Number(h.pax.uid) : (h.uid ?? 0)
      const gid = h.pax?.gid !== undefined ? Number(h.pax.gid) : (h.gid ?? 0)
      chown.lchown(path, uid, gid)
    }
    // after the owner: chown clears security.capability
    const xattrs = this.opts.layer ?? this.opts.xattrs
    if (xattrs) setLayerXattrs(xattrs, path, xattrsOf(h.pax))
    if (!isLink) {
      if (this.opts.pinned) await chmodNoFollow(path, (h.mode ?? 0o644) & 0o7777)
      else await chmod(path, (h.mode ?? 0o644) & 0o7777)
    }
    if (h.type !== 'directory') {
      const mtime = this.mtimeOf(h)
      await lutimes(path, mtime, mtime)
    }
  }
}

/**
 * Streams a (possibly gzip-compressed) tar into `root`, an existing empty directory.
 * Rejects with BerthError('invalid') on an unsafe or malformed archive; the caller removes
 * the half-written directory.
 */
export async function unpack(input: Readable, root: string, opts: UnpackOptions): Promise<UnpackResult> {
  const extract = tar.extract()
  const digest = new DigestStream()
  const extractor = new Extractor(root, opts)
  const copy = opts.copyTo ? [new CopyTo(opts.copyTo)] : []
  const feeding = pipeline([decompressed(input), digest, ...copy, extract])
  // A truncated stream fails `feeding` while an entry body still waits for bytes: race them.
  const failed = new Promise<never>((_, reject) => feeding.catch(reject))
  failed.catch(() => {})
  try {
    for await (const entry of extract) await Promise.race([extractor.entry(entry.header as Header, entry as unknown as Body), failed])
    await feeding
  } catch (e) {
    extract.destroy()
    input.destroy()
    if (e instanceof BerthError) throw e
    const err = e as NodeJS.ErrnoException
    if (err.code && /^E[A-Z]+$/.test(err.code) && err.syscall) throw e // host failure: keep as is
    throw new BerthError('invalid', `invalid tar stream: ${err.message}`, { cause: e })
  }
  await extractor.finish()
  return { diffId: digest.digest(), tarSize: digest.bytes, size: extractor.size }
}
