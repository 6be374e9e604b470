import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BerthError } from '../lib/errors.js'
import { PassThrough, Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { errorLine, jsonLine, progressCounter, progressMessage, progressStream } from './json-stream.js'

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

test('progressMessage has dockerd field order and omits an empty progress', () => {
  assert.equal(
    jsonLine(progressMessage('Loading layer', '5f70bf18a086', { current: 1000, total: 2000 })),
    `{"status":"Loading layer","progressDetail":{"current":1000,"total":2000},"progress":"[${'='.repeat(25)}>${' '.repeat(25)}]      1kB/2kB","id":"5f70bf18a086"}\r\n`,
  )
  assert.equal(jsonLine(progressMessage('Pulling fs layer', 'abc', {})), '{"status":"Pulling fs layer","progressDetail":{},"id":"abc"}\r\n')
  assert.equal(jsonLine(progressMessage('Waiting', 'abc', { current: 0, total: 0 })), '{"status":"Waiting","progressDetail":{},"id":"abc"}\r\n')
})

test('progressCounter passes the bytes through and reports throttled progress ending at 100%', async () => {
  const total = 3 * 1024 * 1024
  const chunks = Array.from({ length: 48 }, () => Buffer.alloc(total / 48, 7))
  const s = progressStream(async (out) => {
    const sink = new PassThrough()
    let seen = 0
    sink.on('data', (c: Buffer) => { seen += c.length })
    await pipeline(Readable.from(chunks), progressCounter(out, 'Loading layer', 'abc', total), sink)
    assert.equal(seen, total)
  })
  const lines = (await collect(s)).trim().split('\r\n').map((l) => JSON.parse(l) as { progressDetail: { current: number; total: number } })
  // the first chunk is past 1% and goes out; the in-memory copy is much faster than 100 ms per
  // chunk, so most updates are throttled away; the final count always comes last
  assert.deepEqual(lines[0]!.progressDetail, { current: 65536, total })
  assert.deepEqual(lines.at(-1)!.progressDetail, { current: total, total })
  assert.ok(lines.length < 10, `${lines.length} lines`)
})

test('progressCounter sends the final count of a stream shorter than announced', async () => {
  const s = progressStream(async (out) => {
    await pipeline(Readable.from([Buffer.alloc(10)]), progressCounter(out, 'Downloading', 'x', 100), new PassThrough().resume())
  })
  assert.equal(
    await collect(s),
    jsonLine(progressMessage('Downloading', 'x', { current: 10, total: 100 })),
  )
})
