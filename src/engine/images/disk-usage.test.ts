import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { paths as makePaths } from '../../lib/paths.js'
import { openDb } from '../../state/db.js'
import { ImageRepository } from '../../state/images.js'
import { LayerRepository } from '../../state/layers.js'
import type { ImageRecord, LayerRecord } from '../../state/records.js'
import { imageDiskUsage, measureLayers } from './disk-usage.js'

const layer = (chainId: string, size: number): LayerRecord => ({ chainId, diffId: chainId, parent: null, size })
const image = (id: string, chainIds: string[], day: number, parent?: string): ImageRecord => ({
  id, config: { created: `2024-01-0${day}T00:00:00Z`, rootfs: { type: 'layers', diff_ids: chainIds } }, diffIds: chainIds, chainIds, size: 0, created: `2024-01-0${day}T00:00:00Z`, repoDigests: [],
  ...(parent ? { parent } : {}),
})

// base ← app1, base ← app2: the base layer (100) is shared; 10 and 20 are each image's own
const layers = [layer('c-base', 100), layer('c-app1', 10), layer('c-app2', 20), layer('c-lone', 7)]
const base = image('sha256:base', ['c-base'], 1)
const app1 = image('sha256:app1', ['c-base', 'c-app1'], 2)
const app2 = image('sha256:app2', ['c-base', 'c-app2'], 3)
const lone = image('sha256:lone', ['c-lone'], 4)

test('a layer two images have is shared by both; the total counts it once', () => {
  const all = [base, app1, app2, lone]
  const u = measureLayers(all, all, layers)
  assert.deepEqual(Object.fromEntries(u.sharedSize), { 'sha256:base': 100, 'sha256:app1': 100, 'sha256:app2': 100, 'sha256:lone': 0 })
  assert.equal(u.layersSize, 137)
})

test('an image alone with its layers shares nothing', () => {
  const u = measureLayers([app1], [app1], layers)
  assert.deepEqual(Object.fromEntries(u.sharedSize), { 'sha256:app1': 0 })
  assert.equal(u.layersSize, 110)
})

test('images left out of the list still make a layer shared, but not add to the total', () => {
  // app1 is listed; base (e.g. an untagged build parent) is hidden but holds the same base layer
  const u = measureLayers([app1], [base, app1], [...layers, layer('c-orphan', 1000)])
  assert.deepEqual(Object.fromEntries(u.sharedSize), { 'sha256:app1': 100 })
  assert.equal(u.layersSize, 110)
})

test('a layer without a record counts 0 rather than failing the report', () => {
  const u = measureLayers([app1, app2], [app1, app2], [layer('c-app1', 10)])
  assert.deepEqual(Object.fromEntries(u.sharedSize), { 'sha256:app1': 0, 'sha256:app2': 0 })
  assert.equal(u.layersSize, 10)
})

test('imageDiskUsage: the listed images (untagged parents hidden) with their shared sizes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-df-unit-'))
  const paths = makePaths(dir, join(dir, 'exec'))
  const db = openDb(paths.db)
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  const images = new ImageRepository(db)
  const layerRepo = new LayerRepository(db)
  for (const l of layers) layerRepo.put(l)
  // base is untagged and app1's parent, so hidden; it still makes c-base shared
  for (const im of [base, { ...app1, parent: base.id }, lone]) images.put(im)
  images.setTag('docker.io/library/app1:latest', app1.id)
  images.setTag('docker.io/library/lone:latest', lone.id)
  const du = imageDiskUsage(images, layerRepo)
  assert.deepEqual(du.images.map((s) => [s.record.id, s.repoTags, s.sharedSize]), [
    ['sha256:lone', ['lone:latest'], 0],
    ['sha256:app1', ['app1:latest'], 100],
  ])
  assert.equal(du.layersSize, 117)
})
