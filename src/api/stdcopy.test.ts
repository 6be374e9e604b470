import assert from 'node:assert/strict'
import { test } from 'node:test'
import { Readable } from 'node:stream'
import { Demuxer, demuxBuffer, frame, framer, type Frame } from './stdcopy.js'

test('frame writes the 8-byte header', () => {
  assert.deepEqual([...frame(1, 'hi')], [1, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69])
  assert.deepEqual([...frame(2, Buffer.alloc(0))], [2, 0, 0, 0, 0, 0, 0, 0])
  assert.equal(frame(1, Buffer.alloc(70000)).readUInt32BE(4), 70000)
})

test('demuxBuffer splits stdout and stderr', () => {
  const buf = Buffer.concat([frame(1, 'out1 '), frame(2, 'err'), frame(1, 'out2')])
  const { stdout, stderr, frames } = demuxBuffer(buf)
  assert.equal(stdout.toString(), 'out1 out2')
  assert.equal(stderr.toString(), 'err')
  assert.equal(frames.length, 3)
  assert.throws(() => demuxBuffer(buf.subarray(0, buf.length - 1)), /ends inside a frame/)
})

test('Demuxer handles frames split across chunks', async () => {
  const all = Buffer.concat([frame(1, 'hello'), frame(2, 'world'), frame(3, 'daemon error')])
  const chunks = [...all].map((b) => Buffer.from([b])) // one byte at a time
  const frames: Frame[] = []
  for await (const f of Readable.from(chunks).pipe(new Demuxer())) frames.push(f)
  assert.deepEqual(
    frames.map((f) => [f.stream, f.payload.toString()]),
    [[1, 'hello'], [2, 'world'], [3, 'daemon error']],
  )
})

test('Demuxer rejects a truncated stream', async () => {
  const d = Readable.from([frame(1, 'hello').subarray(0, 10)]).pipe(new Demuxer())
  await assert.rejects(async () => {
    for await (const _ of d) void _
  }, /ends inside a frame/)
})

test('framer frames each chunk', async () => {
  const out: Buffer[] = []
  for await (const c of Readable.from([Buffer.from('a'), Buffer.from('bc')]).pipe(framer(2))) out.push(c)
  assert.deepEqual(demuxBuffer(Buffer.concat(out)).stderr.toString(), 'abc')
})
