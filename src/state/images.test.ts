import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDb } from './db.js'
import { ImageRepository } from './images.js'
import { LayerRepository } from './layers.js'
import type { ImageRecord } from './records.js'

const img = (hex: string): ImageRecord => ({
  id: `sha256:${hex.repeat(64)}`,
  config: { rootfs: { type: 'layers', diff_ids: [] } },
  diffIds: [], chainIds: [], size: 0, created: '2024-01-01T00:00:00Z', repoDigests: [],
})

test('images, tags and prefixes', () => {
  const repo = new ImageRepository(openDb(':memory:'))
  const a = img('a')
  const b = img('b')
  repo.put(a)
  repo.put(b)
  assert.deepEqual(repo.get(a.id), a)
  assert.deepEqual(repo.idsWithPrefix('sha256:aaa'), [a.id])
  assert.equal(repo.setTag('docker.io/library/x:latest', a.id), undefined)
  assert.equal(repo.setTag('docker.io/library/x:latest', b.id), a.id)
  assert.deepEqual(repo.tagsOf(b.id), ['docker.io/library/x:latest'])
  assert.deepEqual(repo.tagsOf(a.id), [])
  repo.remove(b.id)
  assert.equal(repo.tagged('docker.io/library/x:latest'), undefined)
  assert.equal(repo.list().length, 1)
})

test('layers', () => {
  const repo = new LayerRepository(openDb(':memory:'))
  repo.put({ chainId: 'sha256:c', diffId: 'sha256:d', parent: null, size: 3 })
  assert.equal(repo.get('sha256:c')?.size, 3)
  repo.remove('sha256:c')
  assert.equal(repo.list().length, 0)
})
