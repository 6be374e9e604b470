import { test } from 'node:test'
import assert from 'node:assert/strict'
import { EVENTS_KEPT, EventBus, type EngineEvent } from './events.js'

const ev = (action: string, id = 'x'): EngineEvent => ({ type: 'container', action, id, attributes: { name: 'n' } })

test('times are unix nanoseconds near the wall clock, strictly increasing', () => {
  const bus = new EventBus()
  const seen: EngineEvent[] = []
  bus.subscribe((e) => seen.push(e))
  const before = BigInt(Date.now()) * 1_000_000n
  for (let i = 0; i < 50; i++) bus.emit(ev(`a${i}`))
  const after = BigInt(Date.now() + 1) * 1_000_000n
  for (let i = 0; i < seen.length; i++) {
    assert.ok(seen[i]!.timeNano! >= before && seen[i]!.timeNano! <= after + 1000n)
    if (i > 0) assert.ok(seen[i]!.timeNano! > seen[i - 1]!.timeNano!)
  }
})

test('between: inclusive bounds over the last 256 events, oldest first', () => {
  const bus = new EventBus()
  for (let i = 0; i < EVENTS_KEPT + 10; i++) bus.emit(ev(`a${i}`))
  const kept = bus.between(0n, undefined)
  assert.equal(kept.length, EVENTS_KEPT)
  assert.equal(kept[0]!.action, 'a10')
  const mid = kept[100]!.timeNano!
  assert.deepEqual(bus.between(mid, mid).map((e) => e.action), ['a110'])
  assert.equal(bus.between(undefined, mid).length, 101)
  assert.equal(bus.between(mid + 1n, undefined)[0]!.action, 'a111')
})

test('a describer adds what the record says; the emitter keeps its own attributes when the object is gone', () => {
  const bus = new EventBus()
  const records = new Map([['c1', { tier: 'front', name: 'label-loses', image: 'busybox' }]])
  bus.describe('container', (id) => records.get(id) && { ...records.get(id), name: 'web' })
  bus.emit({ type: 'container', action: 'die', id: 'c1', attributes: { name: 'old', exitCode: '0' } })
  bus.emit({ type: 'container', action: 'destroy', id: 'c2', attributes: { name: 'gone' } })
  bus.emit({ type: 'volume', action: 'create', id: 'c1', attributes: { driver: 'local' } })
  assert.deepEqual(bus.between(0n, undefined).map((e) => e.attributes), [
    { exitCode: '0', tier: 'front', image: 'busybox', name: 'web' },
    { name: 'gone' },
    { driver: 'local' },
  ])
})
