import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { PassThrough, Readable } from 'node:stream'
import { setTimeout as sleep } from 'node:timers/promises'
import type { Engine } from '../../engine/engine.js'
import { EventBus } from '../../engine/events.js'
import type { ApiRequest } from '../types.js'
import { systemRoutes } from './system.js'

/** GET /events on a daemon whose engine is only its event bus. */
async function events(bus: EventBus, query: Record<string, string>): Promise<Readable> {
  const route = systemRoutes({ events: bus } as unknown as Engine, { version: 'test', liveRestore: false, id: 'x' }).find((r) => r.pattern === '/events')!
  const res = await route.handler({ method: 'GET', path: '/events', version: '1.47', params: {}, query: new URLSearchParams(query), headers: {} } as unknown as ApiRequest)
  assert.ok('stream' in res)
  return res.stream
}

const ended = (s: Readable) => new Promise<boolean>((resolve) => {
  s.once('end', () => resolve(true))
  s.resume()
  setTimeout(() => resolve(false), 100)
})

test('events: an `until` more than 24.8 days away (past setTimeout\'s limit) keeps the stream open', async () => {
  const bus = new EventBus()
  const far = await events(bus, { until: String(Math.floor(Date.now() / 1000) + 30 * 86_400) })
  const lines: string[] = []
  far.on('data', (b: Buffer) => lines.push(b.toString()))
  await sleep(20)
  bus.emit({ type: 'container', action: 'start', id: 'c1', attributes: {} })
  assert.equal(await ended(far), false)
  assert.equal(lines.length, 1)
  far.destroy()

  const near = await events(bus, { until: ((Date.now() + 30) / 1000).toFixed(3) })
  assert.equal(await ended(near), true)
})

test('events: an event in the last millisecond of `until`, after the stream ended, is not written to it', async (t) => {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'], now: 1_800_000_000_000 })
  const bus = new EventBus()
  // the last nanosecond of the millisecond 30 ms from now: the stream ends as that millisecond starts
  const s = await events(bus, { until: '1800000000.030999999' })
  const errors: Error[] = []
  s.on('error', (e) => errors.push(e))
  s.resume()
  t.mock.timers.tick(30)
  assert.equal((s as PassThrough).writableEnded, true)
  bus.emit({ type: 'container', action: 'die', id: 'c1', attributes: {} })
  await new Promise((resolve) => setImmediate(resolve))
  assert.deepEqual(errors.map((e) => e.message), [])
})
