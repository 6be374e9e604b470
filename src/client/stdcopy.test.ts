import assert from 'node:assert/strict'
import { test } from 'node:test'
import { encodeFrame, StdcopyDecoder } from './stdcopy.js'

test('frames split across chunks are reassembled', () => {
  const bytes = Buffer.concat([encodeFrame(1, 'hello\n'), encodeFrame(2, 'oops\n'), encodeFrame(1, '')])
  const d = new StdcopyDecoder()
  const frames = [] as { stream: number; data: string }[]
  for (let i = 0; i < bytes.length; i += 3) {
    for (const f of d.push(bytes.subarray(i, i + 3))) frames.push({ stream: f.stream, data: f.data.toString() })
  }
  assert.deepEqual(frames, [
    { stream: 1, data: 'hello\n' },
    { stream: 2, data: 'oops\n' },
    { stream: 1, data: '' },
  ])
  assert.equal(d.leftover, 0)
})

test('a partial header stays pending', () => {
  const d = new StdcopyDecoder()
  assert.deepEqual(d.push(Buffer.from([1, 0, 0])), [])
  assert.equal(d.leftover, 3)
})
