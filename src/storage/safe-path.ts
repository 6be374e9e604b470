// Resolving tar entry names inside a root directory without ever leaving it.
//
// Invariants: a name is cleaned lexically (leading `/` and `./` dropped, `a/../b` → `b`); a name
// that still climbs out (`../x`) is refused. Parent directories are walked with lstat, one
// component at a time, and a symlink or non-directory in a parent is refused, so no write ever
// follows a link the archive planted. Missing parents are created (0755, as Docker does).
// For a tree someone else changes while we write (docker cp into a running container), the
// pinned variants walk by open descriptor instead of by path, so a parent swapped for a symlink
// between our check and our write is still never followed.
import { chmod, lstat, mkdir, open, readdir, rmdir, unlink, type FileHandle } from 'node:fs/promises'
import { constants } from 'node:fs'
import { posix } from 'node:path'
import { BerthError } from '../lib/errors.js'

/** Cleans a tar name into path components relative to the root; [] is the root itself. */
export function cleanName(name: string): string[] {
  const parts = posix.normalize(name.replace(/^\/+/, '')).split('/').filter((p) => p !== '' && p !== '.')
  if (parts.includes('..')) throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: path escapes the layer root`)
  return parts
}

const isMissing = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT'

/**
 * Ensures the parents of `parts` exist as real directories under `root` and returns the
 * absolute path of the entry. Refuses symlinks and non-directories among the parents.
 */
export async function ensureParents(root: string, parts: readonly string[], name: string): Promise<string> {
  let cur = root
  for (const p of parts.slice(0, -1)) {
    cur = posix.join(cur, p)
    try {
      const st = await lstat(cur)
      if (st.isSymbolicLink()) {
        throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: parent ${JSON.stringify(p)} is a symlink`)
      }
      if (!st.isDirectory()) {
        throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: parent ${JSON.stringify(p)} is not a directory`)
      }
    } catch (e) {
      if (!isMissing(e)) throw e
      await mkdir(cur, { mode: 0o755 })
    }
  }
  return parts.length === 0 ? root : posix.join(root, ...parts)
}

/** Like ensureParents but creates nothing: the path of an existing entry, parents checked. */
export async function existingInside(root: string, parts: readonly string[], name: string): Promise<string> {
  let cur = root
  for (const p of parts.slice(0, -1)) {
    cur = posix.join(cur, p)
    const st = await lstat(cur).catch(() => undefined)
    if (!st || !st.isDirectory()) {
      throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: ${JSON.stringify(p)} is not a directory inside the root`)
    }
  }
  return posix.join(root, ...parts)
}

/** Linux's O_PATH (not in node's constants): a handle for lookups, no I/O. */
const O_PATH = 0o10000000

/** An entry's path named through its open parent directory; release() closes that parent. */
export interface PinnedPath {
  path: string
  release(): Promise<void>
}

/**
 * ensureParents for a tree that others change while we write (a running container's root): each
 * parent is opened by descriptor relative to the one before (O_NOFOLLOW, O_DIRECTORY), so a
 * parent swapped for a symlink is refused rather than followed, and the returned path names the
 * entry relative to its open parent (/proc/self/fd/N/name). With `create`, missing parents are
 * made (0755); without, a missing parent is refused.
 */
export async function pinParents(root: string, parts: readonly string[], name: string, create: boolean): Promise<PinnedPath> {
  let cur = await open(root, O_PATH | constants.O_DIRECTORY)
  try {
    for (const p of parts.slice(0, -1)) {
      const at = `/proc/self/fd/${cur.fd}/${p}`
      const next = await openDir(at, create, name, p)
      await cur.close()
      cur = next
    }
  } catch (e) {
    await cur.close()
    throw e
  }
  const dir = cur
  const last = parts[parts.length - 1]
  return { path: `/proc/self/fd/${dir.fd}/${last ?? '.'}`, release: () => dir.close() }
}

async function openDir(at: string, create: boolean, name: string, p: string): Promise<FileHandle> {
  for (let i = 0; i < 2; i++) {
    try {
      return await open(at, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY)
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT' && create && i === 0) {
        await mkdir(at, { mode: 0o755 }).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err })
        continue
      }
      if (code === 'ENOTDIR' || code === 'ELOOP' || code === 'ENOENT') {
        throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: parent ${JSON.stringify(p)} is not a directory inside the root`)
      }
      throw e
    }
  }
  throw new BerthError('invalid', `invalid tar entry ${JSON.stringify(name)}: parent ${JSON.stringify(p)} cannot be created`)
}

/** chmod that never follows a symlink: the entry is opened O_PATH|O_NOFOLLOW and changed through its descriptor. */
export async function chmodNoFollow(path: string, mode: number): Promise<void> {
  const fh = await open(path, O_PATH | constants.O_NOFOLLOW)
  try {
    if ((await fh.stat()).isSymbolicLink()) return
    await chmod(`/proc/self/fd/${fh.fd}`, mode)
  } finally {
    await fh.close()
  }
}

/**
 * Removes the directory `name` under the open directory `parentPath` (a /proc/self/fd path)
 * without ever following a symlink: each level is opened by descriptor (O_NOFOLLOW) and its
 * entries unlinked relative to it, so a subdirectory swapped for a link meanwhile is refused.
 */
export async function removeTreePinned(parentPath: string, name: string): Promise<void> {
  const dir = await open(`${parentPath}/${name}`, O_PATH | constants.O_NOFOLLOW | constants.O_DIRECTORY)
  try {
    const at = `/proc/self/fd/${dir.fd}`
    for (const child of await readdir(at)) {
      const st = await lstat(`${at}/${child}`)
      if (st.isDirectory()) await removeTreePinned(at, child)
      else await unlink(`${at}/${child}`)
    }
  } finally {
    await dir.close()
  }
  await rmdir(`${parentPath}/${name}`)
}
