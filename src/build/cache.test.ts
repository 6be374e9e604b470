import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ImageRecord } from '../state/records.js'
import { canonical, findCached } from './cache.js'

const image = (id: string, parent: string | undefined, cmd: string[], config: Record<string, unknown>, created = '2026-01-01T00:00:00Z'): ImageRecord => ({
  id, parent, created, diffIds: [], chainIds: [], size: 0, repoDigests: [],
  config: { config, container_config: { Cmd: cmd }, rootfs: { type: 'layers', diff_ids: [] } },
})

test('canonical JSON ignores key order and undefined', () => {
  assert.equal(canonical({ b: 1, a: [1, { d: 2, c: undefined }] }), canonical({ a: [1, { d: 2 }], b: 1 }))
  assert.notEqual(canonical({ a: [1, 2] }), canonical({ a: [2, 1] }))
})

test('a hit needs the same parent, command and resulting config; the newest wins', () => {
  const cmd = ['/bin/sh', '-c', '#(nop) ', 'ENV A=1']
  const images = [
    image('sha256:old', 'sha256:p', cmd, { Env: ['A=1'] }, '2026-01-01T00:00:00Z'),
    image('sha256:new', 'sha256:p', cmd, { Env: ['A=1'] }, '2026-01-02T00:00:00Z'),
    image('sha256:other-parent', 'sha256:q', cmd, { Env: ['A=1'] }),
    image('sha256:other-config', 'sha256:p', cmd, { Env: ['A=2'] }),
  ]
  assert.equal(findCached(images, { parentId: 'sha256:p', cmd, config: { Env: ['A=1'] } })?.id, 'sha256:new')
  assert.equal(findCached(images, { parentId: 'sha256:p', cmd: [...cmd.slice(0, 3), 'ENV A=2'], config: { Env: ['A=1'] } }), undefined)
  assert.equal(findCached(images, { parentId: 'sha256:r', cmd, config: { Env: ['A=1'] } }), undefined)
  assert.equal(findCached(images, { parentId: 'sha256:p', cmd, config: { Env: ['A=1'] }, author: 'me' }), undefined)
})

test('images that no builder made (no container_config) never match', () => {
  const loaded: ImageRecord = { ...image('sha256:l', undefined, [], {}), config: { config: {}, rootfs: { type: 'layers', diff_ids: [] } } }
  assert.equal(findCached([loaded], { parentId: undefined, cmd: [], config: {} }), undefined)
})
