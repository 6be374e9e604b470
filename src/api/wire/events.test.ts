import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventMessageText, isVisibleAt, parseEventTime } from './events.js'
import type { EngineEvent } from '../../engine/events.js'

test('since/until: unix seconds with a fraction, 0 is the epoch, empty is unset', () => {
  assert.equal(parseEventTime(null, 'since'), undefined)
  assert.equal(parseEventTime('', 'since'), undefined)
  assert.equal(parseEventTime('0', 'since'), 0n)
  assert.equal(parseEventTime('1700000000', 'until'), 1_700_000_000_000_000_000n)
  assert.equal(parseEventTime('1700000000.5', 'until'), 1_700_000_000_500_000_000n)
  assert.equal(parseEventTime('1700000000.123456789123', 'until'), 1_700_000_000_123_456_789n)
  assert.equal(parseEventTime('2023-11-14T22:13:20Z', 'since'), 1_700_000_000_000_000_000n)
  assert.throws(() => parseEventTime('soon', 'since'), /invalid value for 'since': invalid timestamp "soon"/)
})

const at = 1_764_684_000_123_456_789n
const start: EngineEvent = { type: 'container', action: 'start', id: 'c1', attributes: { image: 'busybox', name: 'web' }, timeNano: at }

test('a container event: the deprecated status, id and from before 1.52, timeNano with all its digits', () => {
  assert.equal(
    eventMessageText(start, '1.47'),
    '{"status":"start","id":"c1","from":"busybox","Type":"container","Action":"start","Actor":{"ID":"c1","Attributes":{"image":"busybox","name":"web"}},"scope":"local","time":1764684000,"timeNano":1764684000123456789}',
  )
  assert.equal(JSON.parse(eventMessageText(start, '1.52')).status, undefined)
})

test('image events: status and id but no from; volume events: none of them', () => {
  const tag: EngineEvent = { type: 'image', action: 'tag', id: 'sha256:ab', attributes: { name: 'x:1' }, timeNano: at }
  const m = JSON.parse(eventMessageText(tag, '1.47'))
  assert.deepEqual([m.status, m.id, 'from' in m], ['tag', 'sha256:ab', false])
  const vol = JSON.parse(eventMessageText({ type: 'volume', action: 'create', id: 'v', attributes: {}, timeNano: at }, '1.47'))
  assert.deepEqual(['status' in vol, 'id' in vol, vol.Actor.ID], [false, false, 'v'])
})

test('image create events exist from API 1.46', () => {
  const create: EngineEvent = { type: 'image', action: 'create', id: 'sha256:ab', attributes: {} }
  assert.equal(isVisibleAt(create, '1.45'), false)
  assert.equal(isVisibleAt(create, '1.46'), true)
  assert.equal(isVisibleAt({ ...create, type: 'container' }, '1.45'), true)
})
