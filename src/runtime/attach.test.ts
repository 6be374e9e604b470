import { test } from 'node:test'
import assert from 'node:assert/strict'
import { decodePacket, resizeMessage, stdinPackets } from './attach.js'

test('decodePacket maps conmon stream ids to Docker streams', () => {
  assert.deepEqual(decodePacket(Buffer.from([2, 0x68, 0x69])), { stream: 1, chunk: Buffer.from('hi') })
  assert.deepEqual(decodePacket(Buffer.from([3, 0x65])), { stream: 2, chunk: Buffer.from('e') })
  assert.equal(decodePacket(Buffer.from([1, 0x65])), undefined)
  assert.equal(decodePacket(Buffer.alloc(0)), undefined)
})

test('stdinPackets splits at 32 KiB', () => {
  const sizes = (n: number) => stdinPackets(Buffer.alloc(n)).map((b) => b.length)
  assert.deepEqual(sizes(0), [])
  assert.deepEqual(sizes(10), [10])
  assert.deepEqual(sizes(32768), [32768])
  assert.deepEqual(sizes(40000), [32768, 7232])
  assert.deepEqual(sizes(65537), [32768, 32768, 1])
})

test('resizeMessage', () => {
  assert.equal(resizeMessage(33, 101), '1 33 101\n')
  assert.equal(resizeMessage(24.7, 80), '1 24 80\n')
})
