import { test } from 'node:test'
import assert from 'node:assert/strict'
import { Readable, Writable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { CopyTo } from './copy-to.js'

const chunks = (n: number) => Array.from({ length: n }, (_, i) => Buffer.alloc(64 << 10, i))

/** A writable that takes each chunk after `delayMs` and keeps what it got. */
function sink(delayMs: number, failAfter = Infinity) {
  const got: Buffer[] = []
  const w = new Writable({
    highWaterMark: 64 << 10,
    write(c: Buffer, _e, cb) {
      setTimeout(() => (got.length >= failAfter ? cb(new Error('disk full')) : (got.push(c), cb())), delayMs)
    },
  })
  return { w, got }
}

test('both sides get every byte, and the slower side sets the pace', async () => {
  for (const [copyDelay, mainDelay] of [[5, 0], [0, 5]]) {
    const copy = sink(copyDelay!)
    const main = sink(mainDelay!)
    let ahead = 0
    const source = chunks(20)
    let read = 0
    const src = new Readable({
      highWaterMark: 64 << 10,
      read() {
        // the source is never far ahead of the slower consumer
        ahead = Math.max(ahead, read - Math.min(copy.got.length, main.got.length))
        this.push(read < source.length ? source[read++] : null)
      },
    })
    await pipeline(src, new CopyTo(copy.w), main.w)
    assert.ok(Buffer.concat(copy.got).equals(Buffer.concat(source)))
    assert.ok(Buffer.concat(main.got).equals(Buffer.concat(source)))
    assert.ok(copy.w.writableFinished, 'the copy is ended before the pipeline resolves')
    assert.ok(ahead < 8, `source ran ${ahead} chunks ahead`)
  }
})

test('an error on either side fails both', async () => {
  const copy = sink(0, 3)
  const main = sink(0)
  await assert.rejects(pipeline(Readable.from(chunks(20)), new CopyTo(copy.w), main.w), /disk full/)
  assert.ok(main.got.length < 20)

  const copy2 = sink(0)
  const main2 = sink(0, 3)
  await assert.rejects(pipeline(Readable.from(chunks(20)), new CopyTo(copy2.w), main2.w), /disk full/)
  assert.ok(copy2.w.destroyed, 'the copy is destroyed with the pipeline')
})
