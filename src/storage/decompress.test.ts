import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import { decompressed } from './decompress.js'

// "hello zstd\\n" three times, compressed by zstd(1) 1.5
const ZSTD = Buffer.from('28b52ffd04588d00005868656c6c6f207a7374640a0100568a17890432ab', 'hex')

const read = async (chunks: Buffer[]) => {
  const out: Buffer[] = []
  for await (const c of decompressed(Readable.from(chunks))) out.push(c as Buffer)
  return Buffer.concat(out).toString()
}

test('decompressed: zstd (streamed in small chunks), gzip and plain input', async () => {
  const expected = 'hello zstd\n'.repeat(3)
  assert.equal(await read([ZSTD]), expected)
  assert.equal(await read([...ZSTD].map((b) => Buffer.from([b]))), expected)
  assert.equal(await read([gzipSync(expected)]), expected)
  assert.equal(await read([Buffer.from(expected)]), expected)
})

test('decompressed: a damaged zstd frame is an invalid-input error', async () => {
  const bad = Buffer.from(ZSTD)
  bad[6] ^= 0xff
  await assert.rejects(read([bad.subarray(0, bad.length - 3)]), (e: Error & { kind?: string }) => e.kind === 'invalid' && /^zstd: /.test(e.message))
})
