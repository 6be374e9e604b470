import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDb } from './db.js'
import { VolumeRepo } from './volumes.js'

test('volumes: one row per name, listed by name; a taken name is a primary-key violation', () => {
  const repo = new VolumeRepo<{ name: string; labels: Record<string, string> }>(openDb(':memory:'))
  repo.insert({ name: 'b1', labels: {} })
  repo.insert({ name: 'a1', labels: { k: 'v' } })
  assert.deepEqual(repo.get('a1'), { name: 'a1', labels: { k: 'v' } })
  assert.deepEqual(repo.all().map((v) => v.name), ['a1', 'b1'])
  assert.throws(() => repo.insert({ name: 'a1', labels: {} }), (e: unknown) => (e as { code?: string }).code === 'SQLITE_CONSTRAINT_PRIMARYKEY')
  repo.remove('a1')
  assert.equal(repo.get('a1'), undefined)
})
