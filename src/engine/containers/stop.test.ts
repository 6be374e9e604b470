import { test, type TestContext } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDb } from '../../state/db.js'
import { ContainerRepo } from '../../state/containers.js'
import type { ContainerRecord } from '../../state/records.js'
import { EventBus } from '../events.js'
import type { ContainerDeps } from './deps.js'
import { setPaused } from './stop.js'
import { ContainerStore } from './store.js'

const ID = 'c'.repeat(64)

/** A store over a real database, a recording runc and the event bus; setPaused uses nothing else. */
function setup(t: TestContext) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-pause-unit-'))
  const db = openDb(join(dir, 'berth.db'))
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  const store = new ContainerStore(new ContainerRepo(db))
  store.insert({
    id: ID, name: 'web', created: '2024-01-01T00:00:00Z', imageId: 'sha256:aa', path: 'sleep', args: ['60'], config: {}, hostConfig: {},
    state: { status: 'running', pid: 42 }, restartCount: 0, lowerDirs: [],
  } as unknown as ContainerRecord)
  const calls: string[] = []
  const runc = {
    pause: async (id: string) => void calls.push(`pause ${id.slice(0, 1)}`),
    resume: async (id: string) => void calls.push(`resume ${id.slice(0, 1)}`),
  }
  const events = new EventBus()
  const seen: string[] = []
  events.subscribe((e) => seen.push(e.action))
  const deps = { store, runc, events } as unknown as ContainerDeps
  return { store, deps, calls, seen }
}

/**
 * Holds the container's lock, as a verb in progress (an exit, an rm) would, until `release`: that
 * runs `during` under the lock and lets it go. Resolves once the lock is held.
 */
async function holdLock(store: ContainerStore, during: () => void) {
  let entered!: () => void
  const inside = new Promise<void>((r) => { entered = r })
  let release!: () => void
  const held = store.locked(ID, () => new Promise<void>((r) => {
    release = () => { during(); r() }
    entered()
  }))
  await inside
  return { held, release }
}

test('pause and unpause sent together run in order, each on the state the other left', async (t) => {
  const { store, deps, calls, seen } = setup(t)
  await Promise.all([setPaused(deps, 'web', true), setPaused(deps, 'web', false)])
  assert.deepEqual(calls, ['pause c', 'resume c'])
  assert.deepEqual(seen, ['pause', 'unpause'])
  assert.equal(store.get(ID)!.state.status, 'running')
})

test('a second pause queued behind the first is refused: already paused', async (t) => {
  const { store, deps, calls } = setup(t)
  const [a, b] = await Promise.allSettled([setPaused(deps, 'web', true), setPaused(deps, 'web', true)])
  assert.equal(a.status, 'fulfilled')
  assert.equal(b.status === 'rejected' && (b.reason as Error).message, `Container ${ID} is already paused`)
  assert.deepEqual(calls, ['pause c'])
  assert.equal(store.get(ID)!.state.status, 'paused')
})

test('a pause waiting on the lock sees the exit recorded meanwhile, not the record it resolved', async (t) => {
  const { store, deps, calls, seen } = setup(t)
  // the exit replaces what the store holds while the pause waits for the lock
  const { held, release } = await holdLock(store, () => {
    const c = store.get(ID)!
    store.save({ ...c, state: { ...c.state, status: 'exited', pid: 0, exitCode: 137 } })
  })
  const paused = setPaused(deps, 'web', true)
  release()
  await held
  await assert.rejects(paused, { kind: 'conflict', message: `Container ${ID} is not running` })
  assert.deepEqual(calls, [])
  assert.deepEqual(seen, [])
  assert.equal(store.get(ID)!.state.status, 'exited')
})

test('a pause waiting behind a removal answers No such container and leaves no record behind', async (t) => {
  const { store, deps, calls } = setup(t)
  const { held, release } = await holdLock(store, () => store.remove(ID))
  const paused = setPaused(deps, 'web', true)
  release()
  await held
  await assert.rejects(paused, { kind: 'not-found', message: 'No such container: web' })
  assert.deepEqual(calls, [])
  assert.equal(store.get(ID), undefined)
})
