import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matchesEvent } from './event-filter.js'
import type { EngineEvent } from './events.js'

const start: EngineEvent = { type: 'container', action: 'start', id: 'c0ffee11', attributes: { name: 'web', image: 'busybox:1', tier: 'front' } }
const exec: EngineEvent = { type: 'container', action: 'exec_create: sh -c true', id: 'c0ffee11', attributes: { name: 'web', image: 'busybox:1' } }
const tag: EngineEvent = { type: 'image', action: 'tag', id: 'sha256:ab12', attributes: { name: '127.0.0.1:5000/app:2', v: '1' } }
const pull: EngineEvent = { type: 'image', action: 'pull', id: 'busybox:latest', attributes: { name: 'busybox' } }
const vol: EngineEvent = { type: 'volume', action: 'create', id: 'data', attributes: { driver: 'local' } }
const net: EngineEvent = { type: 'network', action: 'connect', id: 'n3t', attributes: { name: 'bridge', container: 'c0ffee11', type: 'bridge' } }
const all = [start, exec, tag, pull, vol, net]
const pick = (f: Record<string, string[]>) => all.filter((e) => matchesEvent(e, f))

test('no filters: every event', () => {
  assert.deepEqual(pick({}), all)
})

test('type and event: exact, any of the values', () => {
  assert.deepEqual(pick({ type: ['image', 'volume'] }), [tag, pull, vol])
  assert.deepEqual(pick({ event: ['tag', 'create'] }), [tag, vol])
  assert.deepEqual(pick({ event: ['exec'] }), [])
  // exec_create, exec_start and health_status carry the command: matched as prefixes
  assert.deepEqual(pick({ event: ['exec_create'] }), [exec])
  assert.deepEqual(pick({ type: ['container'], event: ['start'] }), [start])
})

test('container, volume, network: the actor ID or name, exactly or as a prefix, whatever the event type', () => {
  assert.deepEqual(pick({ container: ['web'] }), [start, exec])
  assert.deepEqual(pick({ container: ['c0f'] }), [start, exec])
  assert.deepEqual(pick({ container: ['we'] }), [start, exec])
  assert.deepEqual(pick({ volume: ['data'] }), [vol])
  assert.deepEqual(pick({ network: ['bridge'] }), [net])
  assert.deepEqual(pick({ network: ['n3t'] }), [net])
})

test('image: the image ID or name, with or without its tag, on image and container events', () => {
  assert.deepEqual(pick({ image: ['busybox'] }), [start, exec, pull])
  assert.deepEqual(pick({ image: ['busybox:1'] }), [start, exec])
  assert.deepEqual(pick({ image: ['busybox:latest'] }), [pull])
  assert.deepEqual(pick({ image: ['sha256:ab12'] }), [tag])
  assert.deepEqual(pick({ image: ['127.0.0.1:5000/app'] }), [tag])
  assert.deepEqual(pick({ image: ['127.0.0.1:5000/app:2', 'busybox:1'] }), [start, exec, tag])
  assert.deepEqual(pick({ image: ['sha256:ab'] }), [], 'no prefixes')
})

test('label: every k or k=v among the attributes', () => {
  assert.deepEqual(pick({ label: ['tier'] }), [start])
  assert.deepEqual(pick({ label: ['tier=front'] }), [start])
  assert.deepEqual(pick({ label: ['tier=back'] }), [])
  assert.deepEqual(pick({ label: ['tier', 'v=1'] }), [])
  assert.deepEqual(pick({ label: ['v=1'] }), [tag])
  assert.deepEqual(pick({ label: ['constructor'] }), [])
})

test('keys together: all must match; unknown keys are ignored as dockerd does', () => {
  assert.deepEqual(pick({ type: ['container'], image: ['busybox'], event: ['start'] }), [start])
  assert.deepEqual(pick({ type: ['image'], container: ['web'] }), [])
  assert.deepEqual(pick({ bogus: ['x'] }), all)
  assert.deepEqual(pick({ scope: ['local'] }), all)
  assert.deepEqual(pick({ scope: ['swarm'] }), [])
})
