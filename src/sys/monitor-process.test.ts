import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { LineReader, parseSyncMessage } from './monitor-process.js'

test('parseSyncMessage', () => {
  assert.deepEqual(parseSyncMessage('{"data": 12}'), { data: 12 })
  assert.deepEqual(parseSyncMessage('{"data": -1, "message": "a \\"b\\"\\n"}'), { data: -1, message: 'a "b"\n' })
  assert.throws(() => parseSyncMessage('{"pid": 1}'), /unexpected sync message/)
})

test('LineReader yields lines split across chunks, then undefined at EOF', async () => {
  const s = new PassThrough()
  const r = new LineReader(s)
  s.write('{"data"')
  setTimeout(() => s.write(': 7}\n{"data": 0}\n'), 5)
  assert.deepEqual(await r.next(), { data: 7 })
  assert.deepEqual(await r.next(), { data: 0 })
  s.end()
  assert.equal(await r.next(), undefined)
  assert.equal(await r.next(), undefined)
})
