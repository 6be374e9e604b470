// A deterministic depth-first walk of a directory tree that never follows symlinks: each
// directory comes before its children, children in byte order of their names.
import { lstat, readdir } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { join } from 'node:path'

export interface WalkEntry {
  /** Path relative to the root, without a leading slash. */
  rel: string
  abs: string
  st: Stats
}

const byteOrder = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b))

/** Yields every entry under `root` (not the root itself). `skip` prunes a directory's children. */
export async function* walk(root: string, skip: (e: WalkEntry) => boolean = () => false, rel = ''): AsyncGenerator<WalkEntry> {
  const names = (await readdir(join(root, rel))).sort(byteOrder)
  for (const name of names) {
    const r = rel ? `${rel}/${name}` : name
    const abs = join(root, r)
    const st = await lstat(abs)
    const entry = { rel: r, abs, st }
    yield entry
    if (st.isDirectory() && !skip(entry)) yield* walk(root, skip, r)
  }
}

/** glibc's major/minor of a device number. */
export const major = (rdev: number) => Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn))
export const minor = (rdev: number) => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn))

/** An overlay whiteout: a character device 0/0. */
export const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0
