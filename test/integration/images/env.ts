// A fresh data root and ImageService per test, removed afterwards; plus an overlay mount of an
// image's layers so tests read files the way a container sees them.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { paths as makePaths, type Paths } from '../../../src/lib/paths.js'
import { openDb, type Db } from '../../../src/state/db.js'
import { ImageService } from '../../../src/engine/images/service.js'
import { mountOverlay, umount2, MNT_DETACH } from '../../../src/sys/ffi.js'

export interface ImageEnv {
  dir: string
  paths: Paths
  db: Db
  images: ImageService
  /** Mounts `lowerDirs` with a fresh upper/work; returns the merged dir. */
  mount(lowerDirs: string[]): string
  cleanup(): void
}

export function imageEnv(name: string): ImageEnv {
  const dir = mkdtempSync(`/tmp/berth-test-${name}-`)
  const paths = makePaths(join(dir, 'data'), join(dir, 'exec'))
  mkdirSync(paths.dataRoot, { recursive: true })
  const db = openDb(paths.db)
  const mounts: string[] = []
  return {
    dir,
    paths,
    db,
    images: new ImageService(db, paths),
    mount(lowerDirs) {
      const base = join(dir, `mnt${mounts.length}`)
      for (const d of ['upper', 'work', 'merged']) mkdirSync(join(base, d), { recursive: true })
      mountOverlay(lowerDirs, join(base, 'upper'), join(base, 'work'), join(base, 'merged'))
      mounts.push(join(base, 'merged'))
      return join(base, 'merged')
    },
    cleanup() {
      for (const m of mounts.reverse()) umount2(m, MNT_DETACH)
      db.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

export const FIXTURES = join(import.meta.dirname, '../../../../shared/fixtures')
