import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { noNodeOps, tempImageStore } from '../../../test/helpers/image-store.js'
import { childConfig, commitImage } from './commit.js'

const base = {
  architecture: 'arm64', os: 'linux', variant: 'v8',
  rootfs: { type: 'layers' as const, diff_ids: ['sha256:' + 'a'.repeat(64)] },
  history: [{ created: '2020-01-01T00:00:00Z', created_by: 'base' }],
}

test('child config: parent rootfs and history plus one entry, platform from the parent', () => {
  const c = childConfig(base, { config: { Cmd: ['x'] }, history: { created_by: 'sh', comment: 'm', author: 'a' }, author: 'a', container: 'c1', containerConfig: { Cmd: ['sh'] } }, 'sha256:' + 'b'.repeat(64), 'T')
  assert.deepEqual(Object.keys(c), ['architecture', 'author', 'config', 'container', 'container_config', 'created', 'history', 'os', 'rootfs', 'variant'])
  assert.deepEqual(c.rootfs.diff_ids, ['sha256:' + 'a'.repeat(64), 'sha256:' + 'b'.repeat(64)])
  assert.deepEqual(c.history, [base.history[0], { created: 'T', author: 'a', created_by: 'sh', comment: 'm' }])
  assert.deepEqual([c.architecture, c.os, c.variant, c.created], ['arm64', 'linux', 'v8', 'T'])
})

test('child config: no new layer is an empty_layer entry; scratch keeps no author', () => {
  const c = childConfig(base, { config: {}, history: {} }, undefined, 'T')
  assert.deepEqual(c.rootfs.diff_ids, base.rootfs.diff_ids)
  assert.deepEqual(c.history!.at(-1), { created: 'T', empty_layer: true })
  assert.equal('author' in c, false)
})

test('commit: a stillValid that throws after packing (the container went away) stores nothing', async (t) => {
  const { dir, deps } = tempImageStore(t, 'berth-commit-unit-')
  const upper = join(dir, 'upper')
  mkdirSync(upper)
  writeFileSync(join(upper, 'f'), 'changed\n')
  const io = { ...noNodeOps, listXattrs: () => [], getXattr: () => undefined }
  let packed = false
  await assert.rejects(
    commitImage(deps, io, { layerDir: upper, config: {}, history: {}, tags: ['docker.io/library/gone:latest'], stillValid: () => { packed = true; throw new Error('removed meanwhile') } }),
    { message: 'removed meanwhile' },
  )
  assert.ok(packed)
  assert.deepEqual([deps.images.list().length, deps.layers.list().length], [0, 0])
  const leftovers = (d: string) => { try { return readdirSync(d) } catch { return [] } }
  assert.deepEqual([...leftovers(deps.paths.layers), ...leftovers(deps.paths.tmp)], [])
})
