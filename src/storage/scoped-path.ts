// Resolving a path inside a container's filesystem the way a chroot would, without races.
//
// Terms: the *scope* is the container's root directory on the host plus its mount routes (a
// container path under a volume or bind destination lives in that mount's host source). The
// *inside* path is the container's view (`/etc/passwd`).
//
// Invariants: every lookup is relative to a directory we hold open (an O_PATH descriptor,
// reached through /proc/self/fd/N), one component at a time, with lstat and O_NOFOLLOW; a symlink
// is read and its target is resolved again from the scope's root (absolute) or from the
// directory holding it (relative); `..` pops to the directory we came from and never climbs above
// the root. So nothing outside the scope is ever opened, even if a process in the container swaps
// a component for a symlink while we walk: we never follow a link the kernel resolves for us, and
// an entry replaced between lstat and open is noticed (different inode) and looked up again.
import { lstat, open, readlink, type FileHandle } from 'node:fs/promises'
import { constants, type Stats } from 'node:fs'
import { BerthError } from '../lib/errors.js'

/** Linux's O_PATH (not in node's constants): a handle for lookups and fstat, no I/O. */
const O_PATH = 0o10000000
const MAX_LINKS = 40
const MAX_RETRIES = 8

/** A path that reaches an open descriptor's file; a lookup under it is relative to that file. */
export const procPath = (fd: number): string => `/proc/self/fd/${fd}`

export interface MountRoute {
  /** Absolute, clean container path of the mount point. */
  destination: string
  /** Host path of the mount's content; absent when the host cannot reach it (a running tmpfs). */
  source?: string
  readOnly: boolean
}

export interface Scope {
  /** Host directory that is the container's `/`. */
  root: string
  mounts: readonly MountRoute[]
}

/** An entry resolved inside a scope, held open. Close it when done. */
export interface ScopedEntry {
  fh: FileHandle
  /** Container path the entry resolved to. */
  inside: string
  /** lstat of the entry (a symlink when the last component was not followed). */
  st: Stats
  /** The innermost mount holding the entry (or being it); undefined for the root filesystem. */
  mount?: MountRoute
}

interface Step { name: string; fh: FileHandle; mount?: MountRoute }

const code = (e: unknown) => (e as NodeJS.ErrnoException).code

export function insideParts(path: string): string[] {
  return path.split('/').filter((p) => p !== '' && p !== '.')
}

export const unreachable = (inside: string) =>
  new BerthError('invalid', `${inside} is on a tmpfs mount of a running container, which cannot be reached from the host`)

/** Opens a host path of the scope's own (the root, a mount source): trusted, set by the engine. */
async function openTrusted(path: string): Promise<FileHandle> {
  return open(path, O_PATH)
}

/** The mount whose destination is `inside` exactly. */
const mountAt = (scope: Scope, inside: string) => scope.mounts.find((m) => m.destination === inside)

/** The innermost mount containing `inside`. */
export function mountOf(scope: Scope, inside: string): MountRoute | undefined {
  let best: MountRoute | undefined
  for (const m of scope.mounts) {
    if (inside === m.destination || inside.startsWith(`${m.destination}/`)) {
      if (!best || m.destination.length > best.destination.length) best = m
    }
  }
  return best
}

class Walker {
  private readonly stack: Step[] = []
  private links = 0

  constructor(private readonly scope: Scope, private readonly rootFh: FileHandle) {}

  inside(extra?: string): string {
    const names = this.stack.map((s) => s.name)
    if (extra !== undefined) names.push(extra)
    return `/${names.join('/')}`
  }

  top(): Step {
    return this.stack[this.stack.length - 1] ?? { name: '', fh: this.rootFh }
  }

  async pop(): Promise<void> {
    await this.stack.pop()?.fh.close()
  }

  /** The handle of where the walk ended, removed from the walk so reset() leaves it open. */
  take(): FileHandle {
    return this.stack.pop()?.fh ?? this.rootFh
  }

  async reset(): Promise<void> {
    while (this.stack.length > 0) await this.pop()
  }

  /**
   * Takes one component. Returns the link target to resolve next when it is a symlink to follow,
   * 'missing' when it does not exist, or undefined when it was entered.
   */
  async step(name: string, follow: boolean, mustBeDir: boolean): Promise<string | 'missing' | undefined> {
    const inside = this.inside(name)
    const mount = mountAt(this.scope, inside)
    if (mount) {
      if (mount.source === undefined) throw unreachable(inside)
      this.stack.push({ name, fh: await openTrusted(mount.source), mount })
      return undefined
    }
    const at = `${procPath(this.top().fh.fd)}/${name}`
    for (let i = 0; i < MAX_RETRIES; i++) {
      const st = await lstat(at).catch((e) => {
        if (code(e) === 'ENOENT') return undefined
        if (code(e) === 'ENOTDIR') throw new BerthError('invalid', `${this.inside()}: not a directory`)
        throw e
      })
      if (!st) return 'missing'
      if (st.isSymbolicLink() && follow) {
        if (++this.links > MAX_LINKS) throw new BerthError('invalid', `too many levels of symbolic links resolving ${inside}`)
        return readlink(at)
      }
      if (mustBeDir && !st.isDirectory()) throw new BerthError('invalid', `${inside}: not a directory`)
      const fh = await open(at, O_PATH | constants.O_NOFOLLOW).catch((e) => {
        if (code(e) === 'ENOENT') return undefined
        throw e
      })
      if (!fh) continue // removed meanwhile: look again
      const now = await fh.stat()
      if (now.ino === st.ino && now.dev === st.dev) {
        this.stack.push({ name, fh })
        return undefined
      }
      await fh.close() // swapped between lstat and open: look again
    }
    throw new BerthError('conflict', `${inside} keeps changing while it is being resolved`)
  }
}

export interface ResolveOptions {
  /** Follow a symlink in the last component too (parents are always followed). */
  followLast: boolean
}

export type Resolution = { entry: ScopedEntry } | { missing: string }

/**
 * Resolves `path` (absolute or relative to `/`) inside the scope. A missing component answers
 * `{ missing }` with the container path resolved so far plus the rest taken lexically (what a
 * dangling link points at); a non-directory in the middle is `invalid`.
 */
export async function resolveInScope(scope: Scope, path: string, opts: ResolveOptions): Promise<Resolution> {
  const rootFh = await openTrusted(scope.root)
  const w = new Walker(scope, rootFh)
  const pending = insideParts(path).reverse()
  let handed: FileHandle | undefined
  try {
    while (pending.length > 0) {
      const name = pending.pop()!
      if (name === '..') {
        await w.pop()
        continue
      }
      const isLast = pending.length === 0
      const r = await w.step(name, !isLast || opts.followLast, !isLast)
      if (r === 'missing') return { missing: lexical(w.inside(name), pending) }
      if (r !== undefined) {
        if (r.startsWith('/')) await w.reset()
        pending.push(...insideParts(r).reverse())
      }
    }
    const inside = w.inside()
    handed = w.take()
    return { entry: { fh: handed, inside, st: await handed.stat(), mount: mountOf(scope, inside) } }
  } catch (e) {
    if (handed) await handed.close()
    throw e
  } finally {
    await w.reset()
    if (handed !== rootFh) await rootFh.close()
  }
}

/** `base` followed by `rest` (a reversed stack of components), `..` taken lexically. */
function lexical(base: string, reversedRest: readonly string[]): string {
  const parts = insideParts(base)
  for (const p of [...reversedRest].reverse()) {
    if (p === '..') parts.pop()
    else parts.push(p)
  }
  return `/${parts.join('/')}`
}

/** Like resolveInScope, but a missing path is Docker's not-found and the caller gets the entry. */
export async function openInScope(scope: Scope, path: string, opts: ResolveOptions): Promise<ScopedEntry> {
  const r = await resolveInScope(scope, path, opts)
  if ('missing' in r) throw new BerthError('not-found', `${r.missing}: no such file or directory`)
  return r.entry
}

/** The target of the symlink at `inside`, a path already resolved (its parents are directories). */
export async function readLinkInScope(scope: Scope, inside: string): Promise<string> {
  const parts = insideParts(inside)
  const name = parts.pop()
  if (name === undefined) throw new BerthError('invalid', '/ is not a symbolic link')
  const dir = await openInScope(scope, `/${parts.join('/')}`, { followLast: true })
  try {
    return await readlink(`${procPath(dir.fh.fd)}/${name}`)
  } finally {
    await dir.fh.close()
  }
}
