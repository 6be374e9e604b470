// `docker cp` in the engine: stat a path inside a container, read it as a tar, extract a tar into
// a directory of it. Works on running containers (their rootfs is mounted) and on stopped ones
// (the rootfs is mounted for the operation, under the container's lock, and unmounted after).
//
// Every path is resolved inside the container's scope (storage/scoped-path.ts): its root plus
// its mounts, so a path under a volume or bind destination reaches the mount's host source, and
// symlinks resolve as they would inside the container. Mount destinations are taken where runc
// put them (resolved inside the root filesystem). tmpfs mounts of a running container live only
// in its mount namespace and are refused with a clear error. An upload onto a single-file mount
// rewrites that file in place; device nodes and fifos in an upload are made, as Docker does.
// As Docker's: a download carries each entry's security.capability, an upload's extended
// attributes are all set.
import { existsSync } from 'node:fs'
import { stat } from 'node:fs/promises'
import { posix } from 'node:path'
import { finished } from 'node:stream/promises'
import type { Readable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import type { ContainerRecord } from '../../state/records.js'
import { packScoped } from '../../storage/scoped-pack.js'
import { mountOf, openInScope, procPath, readLinkInScope, resolveInScope, unreachable, type MountRoute, type Scope, type ScopedEntry } from '../../storage/scoped-path.js'
import { unpack, type Routed } from '../../storage/unpack.js'
import { getXattr, lchown, mknod, setXattr } from '../../sys/ffi.js'
import type { ContainerDeps } from './deps.js'
import { containerDirs, isMounted, mountRootfs, unmountRootfs } from './rootfs.js'
import { sortParentFirst } from './mounts.js'

/** What HEAD/GET report about a path, before Docker's encoding (api/wire/archive.ts). */
export interface PathStat {
  name: string
  size: number
  /** st_mode: type and permission bits. */
  mode: number
  mtime: Date
  /** For a symlink, the container path it resolves to. */
  linkTarget: string
}

export interface ExtractOptions {
  noOverwriteDirNonDir: boolean
  copyUIDGID: boolean
}

/** Attributes of an entry through its descriptor's /proc path (see storage/scoped-pack.ts). */
const followingXattrs = { getXattr: (path: string, name: string) => getXattr(path, name, true) }

/**
 * An upload's attribute the kernel refuses (EPERM: a user.* one on a symlink, a trusted.* one on
 * a filesystem that checks more) is skipped, as Docker's extraction skips it; other errors fail.
 */
function setXattrUnlessRefused(path: string, name: string, value: Buffer): void {
  try {
    setXattr(path, name, value)
  } catch (e) {
    if ((e as { code?: string }).code !== 'EPERM') throw e
  }
}

const fileNotFound = (path: string, ref: string) => new BerthError('not-found', `Could not find the file ${path} in container ${ref}`)

/** Docker joins a relative path to `/`; an empty one is refused before anything is looked up. */
function checkPath(path: string): void {
  if (path === '') throw new BerthError('invalid', 'bad parameter: pathcannot be empty')
  if (path.includes('\0')) throw new BerthError('invalid', `invalid path ${JSON.stringify(path)}: contains a NUL byte`)
}

/** A trailing `/` or `/.` asks for the directory itself, so its last component is followed. */
const wantsDir = (path: string) => path.endsWith('/') || path.endsWith('/.') || path === '.'

/** The container's mounts, lexically: destination (clean, absolute), host source (none for a live tmpfs). */
function mountList(deps: ContainerDeps, c: ContainerRecord, live: boolean): MountRoute[] {
  const dirs = containerDirs(deps.paths, c.id)
  const mounts: MountRoute[] = []
  const add = (destination: string, source: string | undefined, readOnly: boolean) => {
    const dest = posix.normalize(`/${destination}`).replace(/\/+$/, '')
    if (dest === '' || mounts.some((m) => m.destination === dest)) return
    mounts.push({ destination: dest, source, readOnly })
  }
  for (const m of c.mounts ?? []) {
    if (m.Type === 'tmpfs') {
      if (live) add(m.Destination, undefined, !m.RW)
    } else add(m.Destination, m.Source, !m.RW)
  }
  if (live) for (const dest of Object.keys((c.hostConfig.Tmpfs as Record<string, string> | null | undefined) ?? {})) add(dest, undefined, false)
  // The files berth bind-mounts over the image's, once the container has run.
  for (const [dest, file] of [['/etc/hostname', dirs.hostname], ['/etc/hosts', dirs.hosts], ['/etc/resolv.conf', dirs.resolvConf]] as const) {
    if (existsSync(file)) add(dest, file, false)
  }
  return sortParentFirst(mounts.map((m) => ({ ...m, Destination: m.destination }))).map(({ Destination: _d, ...m }) => m)
}

/**
 * The container's scope: its root and its mounts at the destinations runc really used. runc
 * resolves a destination inside the root filesystem, following symlinks (securejoin), after the
 * mounts before it are in place; so `-v x:/var/run/foo` with /var/run → /run in the image is a
 * mount at /run/foo, and a cp path through either name must reach it.
 */
async function scopeOf(deps: ContainerDeps, c: ContainerRecord, live: boolean): Promise<Scope> {
  const root = containerDirs(deps.paths, c.id).merged
  const mounts: MountRoute[] = []
  for (const m of mountList(deps, c, live)) {
    const destination = await resolvedDestination({ root, mounts }, m.destination)
    if (!mounts.some((x) => x.destination === destination)) mounts.push({ ...m, destination })
  }
  return { root, mounts }
}

/** Where `dest` lands inside the scope; the lexical path when it cannot be resolved (runc would have failed on it). */
async function resolvedDestination(scope: Scope, dest: string): Promise<string> {
  try {
    const r = await resolveInScope(scope, dest, { followLast: true })
    if ('missing' in r) return r.missing
    await r.entry.fh.close()
    return r.entry.inside === '/' ? dest : r.entry.inside
  } catch {
    return dest
  }
}

/**
 * Runs `use` with the container's scope. A stopped container's rootfs is mounted first and
 * unmounted once `use` and then `settle` (the end of a streamed answer) are done, all under the
 * container's lock so a start cannot interleave. A running container's lock is held only while
 * `use` resolves; what it opened stays valid even if the container stops meanwhile.
 */
function withScope<T>(deps: ContainerDeps, ref: string, use: (scope: Scope, c: ContainerRecord) => Promise<T>, settle?: (r: T) => Promise<unknown>): Promise<T> {
  const c = deps.store.resolve(ref)
  return new Promise<T>((resolve, reject) => {
    deps.store.locked(c.id, async () => {
      const cur = deps.store.get(c.id)
      if (!cur) throw new BerthError('not-found', `No such container: ${ref}`)
      const dirs = containerDirs(deps.paths, c.id)
      const wasMounted = await isMounted(dirs.merged)
      const live = cur.state.status === 'running' || cur.state.status === 'paused'
      if (!wasMounted) await mountRootfs(dirs, cur.lowerDirs)
      try {
        const r = await use(await scopeOf(deps, cur, live && wasMounted), cur)
        resolve(r)
        if (!wasMounted && settle) await settle(r).catch(() => undefined)
      } finally {
        if (!wasMounted) unmountRootfs(dirs)
      }
    }).catch(reject)
  })
}

/** Opens `path` as Docker's archive verbs see it; a missing path is Docker's 404. */
async function openPath(scope: Scope, path: string, ref: string): Promise<ScopedEntry> {
  try {
    return await openInScope(scope, path, { followLast: wantsDir(path) })
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'not-found') throw fileNotFound(path, ref)
    throw e
  }
}

async function statOf(scope: Scope, entry: ScopedEntry, path: string): Promise<PathStat> {
  const { st } = entry
  if (wantsDir(path) && !st.isDirectory()) throw new BerthError('invalid', `${path}: not a directory`)
  let linkTarget = ''
  if (st.isSymbolicLink()) {
    const r = await resolveInScope(scope, entry.inside, { followLast: true })
    linkTarget = 'missing' in r ? r.missing : r.entry.inside
    if ('entry' in r) await r.entry.fh.close()
  }
  return { name: posix.basename(path) || '/', size: st.size, mode: st.mode, mtime: st.mtime, linkTarget }
}

/** HEAD /containers/{id}/archive. */
export function statPath(deps: ContainerDeps, ref: string, path: string): Promise<PathStat> {
  checkPath(path)
  return withScope(deps, ref, async (scope) => {
    const entry = await openPath(scope, path, ref)
    try {
      return await statOf(scope, entry, path)
    } finally {
      await entry.fh.close()
    }
  })
}

/** GET /containers/{id}/archive: the stat, and the tar of the path named by its last component. */
export function getArchive(deps: ContainerDeps, ref: string, path: string): Promise<{ stat: PathStat; tar: Readable }> {
  checkPath(path)
  return withScope(
    deps,
    ref,
    async (scope) => {
      const entry = await openPath(scope, path, ref)
      try {
        const stat = await statOf(scope, entry, path)
        const link = entry.st.isSymbolicLink() ? await readLinkInScope(scope, entry.inside) : undefined
        return { stat, tar: packScoped(scope, entry, posix.basename(path) || '.', { xattrs: followingXattrs, linkTarget: link }) }
      } catch (e) {
        await entry.fh.close()
        throw e
      }
    },
    (r) => finished(r.tar),
  )
}

/** PUT /containers/{id}/archive: extracts `tar` into the directory `path`. */
export function putArchive(deps: ContainerDeps, ref: string, path: string, tar: Readable, opts: ExtractOptions): Promise<void> {
  checkPath(path)
  return withScope(deps, ref, async (scope, c) => {
    const entry = await openInScope(scope, path, { followLast: true }).catch((e: unknown) => {
      throw e instanceof BerthError && e.kind === 'not-found' ? fileNotFound(path, ref) : e
    })
    try {
      if (!entry.st.isDirectory()) throw new BerthError('invalid', 'extraction point is not a directory')
      checkWritable(entry.mount, c)
      await unpack(tar, `${procPath(entry.fh.fd)}/.`, {
        pinned: true,
        keepOwners: opts.copyUIDGID ? { lchown } : undefined,
        nodes: { mknod },
        xattrs: { setXattr: setXattrUnlessRefused },
        noOverwriteDirNonDir: opts.noOverwriteDirNonDir,
        route: await mountRoutes(scope, entry, c),
        describe: (parts) => posix.join(entry.inside, ...parts),
      })
    } finally {
      await entry.fh.close()
      tar.resume() // an early failure leaves the upload unread
    }
  })
}

function checkWritable(mount: MountRoute | undefined, c: ContainerRecord): void {
  if (mount?.readOnly) throw new BerthError('invalid', 'mounted volume is marked read-only')
  if (!mount && c.hostConfig.ReadonlyRootfs) throw new BerthError('invalid', 'container rootfs is marked read-only')
}

/**
 * Entries that land under a mount below the extraction point go to that mount's source, as
 * they would inside the container; read-only mounts refuse them. An entry landing exactly on a
 * single-file mount (a file bind, /etc/hosts) is marked so that only its content is rewritten.
 */
async function mountRoutes(scope: Scope, entry: ScopedEntry, c: ContainerRecord): Promise<((parts: readonly string[]) => Routed) | undefined> {
  const base = entry.inside === '/' ? '' : entry.inside
  const below = scope.mounts.filter((m) => m.destination.startsWith(`${base}/`))
  if (below.length === 0) return undefined
  const files = new Set<string>()
  for (const m of below) if (m.source !== undefined && (await stat(m.source).catch(() => undefined))?.isFile()) files.add(m.destination)
  const root = `${procPath(entry.fh.fd)}/.`
  return (parts) => {
    const inside = `${base}/${parts.join('/')}`
    const m = mountOf({ ...scope, mounts: below }, inside)
    if (!m) return { root, parts: [...parts] }
    if (m.source === undefined) throw unreachable(m.destination)
    checkWritable(m, c)
    return { root: m.source, parts: parts.slice(m.destination.slice(base.length + 1).split('/').length), isFile: files.has(m.destination) }
  }
}
