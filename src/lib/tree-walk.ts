// A deterministic depth-first walk of a directory tree that never follows symlinks: each
// directory comes before its children, children in byte order of their names. Shared by the
// layer code (storage/) and both ends of a build context (client/, build/).
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
