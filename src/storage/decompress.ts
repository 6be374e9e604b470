// Compression sniffing for layer streams: gzip and zstd are detected by their magic bytes and
// inflated (zstd by fzstd, streamed: Node 20's zlib has no zstd); an uncompressed tar passes
// through; xz and bzip2 are refused with a clear message.
import { pipeline, Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'
import { Decompress } from 'fzstd'
import { detectCompression } from '../lib/archive-magic.js'
import { BerthError } from '../lib/errors.js'

async function* inflate(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  const it = src[Symbol.asyncIterator]()
  let head = Buffer.alloc(0)
  while (head.length < 6) {
    const r = await it.next()
    if (r.done) break
    head = Buffer.concat([head, r.value as Buffer])
  }
  const kind = detectCompression(head)
  if (kind !== 'none' && kind !== 'gzip' && kind !== 'zstd') {
    throw new BerthError('not-implemented', `${kind}-compressed layers are not supported yet`)
  }
  async function* rest(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head
    for (;;) {
      const r = await it.next()
      if (r.done) return
      yield r.value as Buffer
    }
  }
  if (kind === 'none') {
    yield* rest()
    return
  }
  if (kind === 'zstd') {
    yield* unzstd(rest())
    return
  }
  // large pieces: each one costs a trip through every stage after us (digest, tar file, unpack)
  const gunzip = createGunzip({ chunkSize: 256 << 10 })
  pipeline(Readable.from(rest()), gunzip, () => {}) // a failure reaches us through gunzip's iterator
  try {
    for await (const chunk of gunzip) yield chunk as Buffer
  } catch (e) {
    if (e instanceof BerthError) throw e
    throw new BerthError('invalid', `gzip: ${(e as Error).message}`, { cause: e })
  }
}

async function* unzstd(src: AsyncIterable<Buffer>): AsyncGenerator<Buffer> {
  let out: Buffer[] = []
  // fzstd may hand out views of its window, which it overwrites later: copy each piece
  const z = new Decompress((chunk) => out.push(Buffer.from(chunk)))
  const drain = function* () {
    const ready = out
    out = []
    yield* ready
  }
  try {
    for await (const chunk of src) {
      z.push(chunk)
      yield* drain()
    }
    z.push(new Uint8Array(0), true)
    yield* drain()
  } catch (e) {
    if (e instanceof BerthError) throw e
    throw new BerthError('invalid', `zstd: ${(e as Error).message}`, { cause: e })
  }
}

/** The uncompressed content of `input`, whatever its (supported) compression. */
export const decompressed = (input: Readable): Readable => Readable.from(inflate(input), { objectMode: false })
