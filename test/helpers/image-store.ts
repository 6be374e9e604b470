// A throwaway image store for unit tests: a temporary data root with its database, blob store
// and layer store, removed when the test ends. Node operations that need root are no-ops.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { paths as makePaths } from '../../src/lib/paths.js'
import { openDb } from '../../src/state/db.js'
import { ImageRepository } from '../../src/state/images.js'
import { LayerRepository } from '../../src/state/layers.js'
import { BlobStore } from '../../src/storage/blobs.js'
import { LayerStore } from '../../src/storage/layer-store.js'
import type { ImageDeps } from '../../src/engine/images/deps.js'

export const noNodeOps = { mknod: () => 0, mkWhiteout: () => 0, lchown: () => 0, setXattr: () => {} }

export function tempImageStore(t: { after: (fn: () => void) => void }, prefix = 'berth-images-unit-'): { dir: string; deps: ImageDeps } {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  const paths = makePaths(dir, join(dir, 'exec'))
  const db = openDb(paths.db)
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  const blobs = new BlobStore(paths.blobs, paths.tmp)
  const deps: ImageDeps = { paths, images: new ImageRepository(db), layers: new LayerRepository(db), blobs, layerStore: new LayerStore(paths.layers, paths.tmp, blobs, noNodeOps) }
  return { dir, deps }
}
