// `docker diff`: what a container changed, read from its overlay upper dir. A whiteout or an
// opaque directory is a deletion; a path that exists in a lower dir is a modification, else an
// addition. As Docker does, a directory that exists below with the same size, mode and mtime
// is not reported, and the parent of an added or deleted path is reported as modified. Paths a
// commit leaves out (pack.ts LayerExclusion: generated files, mount point contents) are not listed.
import { lstat } from 'node:fs/promises'
import { join, posix } from 'node:path'
import type { Stats } from 'node:fs'
import { isOpaque, type LayerExclusion, type XattrReader } from './pack.js'
import { isWhiteout, walk } from './walk.js'

export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind]

export interface Change {
  Path: string
  Kind: ChangeKind
}

async function inLower(lowerDirs: readonly string[], rel: string): Promise<Stats | undefined> {
  for (const dir of lowerDirs) {
    const st = await lstat(join(dir, rel)).catch(() => undefined)
    if (st) return st
  }
  return undefined
}

const sameDir = (a: Stats, b: Stats) => a.isDirectory() && b.isDirectory() && a.size === b.size && a.mode === b.mode && Math.floor(a.mtimeMs) === Math.floor(b.mtimeMs)

export async function changes(upperDir: string, lowerDirs: readonly string[], x: XattrReader, exclude: LayerExclusion = {}): Promise<Change[]> {
  const out: Change[] = []
  const changedDirs = new Set<string>()
  const left = new Set(exclude.paths ?? [])
  const emptied = new Set(exclude.contentsOf ?? [])
  for await (const { rel, abs, st } of walk(upperDir, (e) => left.has(e.rel) || emptied.has(e.rel))) {
    if (left.has(rel)) continue
    const path = '/' + rel
    let kind: ChangeKind
    if (isWhiteout(st) || (st.isDirectory() && isOpaque(x, abs))) kind = ChangeKind.Deleted
    else {
      const below = await inLower(lowerDirs, rel)
      if (below && sameDir(st, below)) continue // only a parent of changes: reported through them
      kind = below ? ChangeKind.Modified : ChangeKind.Added
    }
    if (st.isDirectory()) changedDirs.add(path)
    if (kind !== ChangeKind.Modified) {
      const parent = posix.dirname(path)
      if (parent !== '/' && !changedDirs.has(parent)) {
        out.push({ Path: parent, Kind: ChangeKind.Modified })
        changedDirs.add(parent)
      }
    }
    out.push({ Path: path, Kind: kind })
  }
  return out
}
