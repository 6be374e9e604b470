// Docker's multiplexed stream framing (attach, logs and exec without a TTY): each frame is an
// 8-byte header [stream, 0, 0, 0, length as uint32 big-endian] followed by `length` bytes.
// Stream numbers: 0 stdin, 1 stdout, 2 stderr, 3 systemerr (an error from the daemon itself).
import { Transform, type TransformCallback } from 'node:stream'

export type StreamNumber = 0 | 1 | 2 | 3
export const STDIN = 0
export const STDOUT = 1
export const STDERR = 2
export const SYSTEMERR = 3

const HEADER = 8

export function frame(stream: StreamNumber, payload: Buffer | string): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload) : payload
  const header = Buffer.alloc(HEADER)
  header[0] = stream
  header.writeUInt32BE(body.length, 4)
  return Buffer.concat([header, body])
}

/** Frames every chunk written to it as `stream` (for a handler that muxes one source). */
export function framer(stream: StreamNumber): Transform {
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (chunk.length === 0) return cb()
      cb(null, frame(stream, chunk))
    },
  })
}

export interface Frame {
  stream: StreamNumber
  payload: Buffer
}

/** Splits a byte stream into frames (object mode on the readable side); frames may span chunks. */
export class Demuxer extends Transform {
  private pending: Buffer = Buffer.alloc(0)

  constructor() {
    super({ readableObjectMode: true })
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    while (this.pending.length >= HEADER) {
      const stream = this.pending[0]
      if (stream > 3) return cb(new Error(`unrecognized stream: ${stream}`))
      const length = this.pending.readUInt32BE(4)
      if (this.pending.length < HEADER + length) break
      this.push({ stream: stream as StreamNumber, payload: this.pending.subarray(HEADER, HEADER + length) } satisfies Frame)
      this.pending = this.pending.subarray(HEADER + length)
    }
    cb()
  }

  override _flush(cb: TransformCallback): void {
    cb(this.pending.length ? new Error(`multiplexed stream ends inside a frame (${this.pending.length} bytes left)`) : null)
  }
}

/** Demultiplexes a complete buffer; for tests and the client's non-streaming calls. */
export function demuxBuffer(buf: Buffer): { stdout: Buffer; stderr: Buffer; frames: Frame[] } {
  const frames: Frame[] = []
  let off = 0
  while (off + HEADER <= buf.length) {
    const length = buf.readUInt32BE(off + 4)
    if (off + HEADER + length > buf.length) break
    frames.push({ stream: buf[off] as StreamNumber, payload: buf.subarray(off + HEADER, off + HEADER + length) })
    off += HEADER + length
  }
  if (off !== buf.length) throw new Error(`multiplexed stream ends inside a frame (${buf.length - off} bytes left)`)
  const pick = (n: number) => Buffer.concat(frames.filter((f) => f.stream === n).map((f) => f.payload))
  return { stdout: pick(STDOUT), stderr: pick(STDERR), frames }
}
