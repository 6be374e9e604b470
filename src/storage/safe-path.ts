// Resolving tar entry names inside a root directory without ever leaving it.
//
// Invariants: a name is cleaned lexically (leading `/` and `./` dropped, `a/../b` → `b`); a name
// that still climbs out (`../x`) is refused. Parent directories are walked with lstat, one
// component at a time, and a symlink or non-directory in a parent is refused, so no write ever
// follows a link the archive planted. Missing parents are created (0755, as Docker does).
import { lstat, mkdir } from 'node:fs/promises'
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
