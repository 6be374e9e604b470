import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { paths as makePaths } from '../../lib/paths.js'
import { openDb } from '../../state/db.js'
import { ImageRepository } from '../../state/images.js'
import { LayerRepository } from '../../state/layers.js'
import { BlobStore } from '../../storage/blobs.js'
import { LayerStore } from '../../storage/layer-store.js'
import { createImage } from './create.js'
import type { ImageDeps } from './deps.js'
import { listImages, type ListOptions } from './list.js'

const nodeOps = { mknod: () => 0, mkWhiteout: () => 0, lchown: () => 0, setXattr: () => {} }
const D1 = 'sha256:1111111111111111111111111111111111111111111111111111111111111111'

/** Images without layers: enough for names, dates, labels and parents, without root. */
async function setup(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-list-unit-'))
  const paths = makePaths(dir, join(dir, 'exec'))
  const db = openDb(paths.db)
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  const blobs = new BlobStore(paths.blobs, paths.tmp)
  const deps: ImageDeps = { paths, images: new ImageRepository(db), layers: new LayerRepository(db), blobs, layerStore: new LayerStore(paths.layers, paths.tmp, blobs, nodeOps) }
  const make = async (day: number, tags: string[], o: { labels?: Record<string, string>; digests?: string[]; parent?: string } = {}) => {
    const config = { created: `2024-01-0${day}T00:00:00Z`, config: { Labels: o.labels ?? {} }, rootfs: { type: 'layers', diff_ids: [] } }
    const made = await createImage(deps, {
      configBytes: Buffer.from(JSON.stringify(config)), layers: [], tags: tags.map((x) => `docker.io/library/${x}`),
      repoDigests: o.digests, parent: o.parent,
    })
    return made.record.id
  }
  const a = await make(1, ['a:1', 'a:2'], { labels: { tier: 'base', keep: '' } })
  const b = await make(2, ['b:latest'], { labels: { tier: 'app' }, parent: a })
  const pinned = await make(3, [], { digests: [`docker.io/library/pinned@${D1}`] })
  const dangling = await make(4, [])
  const child = await make(5, ['child:1'], { parent: dangling })
  const middle = await make(6, [], { parent: a })
  await make(7, ['top:1'], { parent: middle })
  const ids = { a, b, pinned, dangling, child, middle }
  const names = new Map(Object.entries(ids).map(([k, v]) => [v, k]))
  const list = (o: ListOptions) => listImages(deps.images, o).map((s) => names.get(s.record.id) ?? s.repoTags.join(','))
  return { list, ids, deps }
}

test('without filters: newest first, untagged parents only with all', async (t) => {
  const { list } = await setup(t)
  assert.deepEqual(list({}), ['top:1', 'child', 'pinned', 'b', 'a'])
  assert.deepEqual(list({ all: true }), ['top:1', 'middle', 'child', 'dangling', 'pinned', 'b', 'a'])
})

test('reference narrows tags and digests; images left without any are dropped', async (t) => {
  const { deps, ids } = await setup(t)
  const one = listImages(deps.images, { filters: { reference: ['a:2'] } })
  assert.deepEqual(one.map((s) => [s.record.id, s.repoTags]), [[ids.a, ['a:2']]])
  const pinned = listImages(deps.images, { filters: { reference: ['pinned'] } })
  assert.deepEqual(pinned.map((s) => [s.record.id, s.repoTags, s.repoDigests]), [[ids.pinned, [], [`docker.io/library/pinned@${D1}`]]])
  assert.deepEqual(listImages(deps.images, { all: true, filters: { reference: ['nothing*'] } }), [])
})

test('dangling=true keeps images without tags; dangling=false drops images with no reference at all', async (t) => {
  const { list } = await setup(t)
  assert.deepEqual(list({ filters: { dangling: ['true'] } }), ['pinned'])
  assert.deepEqual(list({ all: true, filters: { dangling: ['true'] } }), ['middle', 'dangling', 'pinned'])
  assert.deepEqual(list({ all: true, filters: { dangling: ['false'] } }), ['top:1', 'child', 'pinned', 'b', 'a'])
  assert.throws(() => list({ filters: { dangling: ['maybe'] } }), /Invalid filter 'dangling=\[maybe\]'/)
  // only the words, as moby; true wins over false
  assert.throws(() => list({ filters: { dangling: ['1', '0'] } }), /Invalid filter 'dangling=\[1 0\]'/)
  assert.deepEqual(list({ filters: { dangling: ['false', 'true'] } }), ['pinned'])
})

test('label, before, since and until', async (t) => {
  const { list } = await setup(t)
  assert.deepEqual(list({ filters: { label: ['tier'] } }), ['b', 'a'])
  assert.deepEqual(list({ filters: { label: ['tier=base'] } }), ['a'])
  assert.deepEqual(list({ filters: { label: ['tier', 'keep'] } }), ['a'])
  assert.deepEqual(list({ filters: { label: ['tier=none'] } }), [])
  assert.deepEqual(list({ filters: { before: [`pinned@${D1}`] } }), ['b', 'a'])
  // several before values: the oldest wins
  assert.deepEqual(list({ filters: { before: [`pinned@${D1}`, 'b:latest'] } }), ['a'])
  assert.deepEqual(list({ filters: { since: ['b:latest'] } }), ['top:1', 'child', 'pinned'])
  // several since values: the newest wins
  assert.deepEqual(list({ filters: { since: ['a:1', `pinned@${D1}`] } }), ['top:1', 'child'])
  assert.deepEqual(list({ filters: { until: ['x'] }, until: [Date.parse('2024-01-03T00:00:00Z')] }), ['b', 'a'])
  assert.deepEqual(list({ filters: { since: ['a:1'], until: ['x'] }, until: [Date.parse('2024-01-03T00:00:00Z')] }), ['b'])
  assert.throws(() => list({ filters: { before: ['nope'] } }), /No such image: nope/)
  assert.throws(() => list({ filters: { colour: ['red'] } }), /invalid filter 'colour'/)
})
