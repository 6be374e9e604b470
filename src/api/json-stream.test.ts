import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BerthError } from '../lib/errors.js'
import { errorLine, jsonLine, progressStream } from './json-stream.js'

const collect = async (r: AsyncIterable<Buffer>) => {
  let s = ''
  for await (const c of r) s += c.toString()
  return s
}

test('lines end in CRLF like dockerd', () => {
  assert.equal(jsonLine({ status: 'Pulling from library/busybox', id: 'latest' }), '{"status":"Pulling from library/busybox","id":"latest"}\r\n')
  assert.equal(errorLine('manifest unknown'), '{"errorDetail":{"message":"manifest unknown"},"error":"manifest unknown"}\r\n')
})

test('progressStream streams lines and ends', async () => {
  const s = progressStream(async (out) => {
    await out.status('Pulling fs layer', 'abc')
    await out.stream('Step 1/2 : FROM busybox\n')
    await out.aux({ ID: 'sha256:1' })
  })
  assert.equal(
    await collect(s),
    '{"status":"Pulling fs layer","id":"abc"}\r\n{"stream":"Step 1/2 : FROM busybox\\n"}\r\n{"aux":{"ID":"sha256:1"}}\r\n',
  )
})

test('a failure becomes the last line', async () => {
  const s = progressStream(async (out) => {
    await out.status('Downloading')
    throw new BerthError('not-found', 'manifest unknown')
  })
  assert.equal(await collect(s), '{"status":"Downloading"}\r\n' + errorLine('manifest unknown'))
})

test('destroying the stream aborts the producer', async () => {
  let aborted = false
  const s = progressStream(async (out) => {
    await new Promise<void>((resolve) => out.signal.addEventListener('abort', () => resolve()))
    aborted = true
  })
  s.destroy()
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(aborted, true)
})
