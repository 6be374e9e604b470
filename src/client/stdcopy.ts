// Docker's stdcopy framing for non-TTY attach/logs/exec streams: each frame is an 8-byte header
// [stream, 0, 0, 0, size (big-endian uint32)] followed by `size` bytes. Stream 0 = stdin,
// 1 = stdout, 2 = stderr, 3 = systemerr (an error message from the daemon).

export interface Frame {
  stream: number
  data: Buffer
}

/** Incremental decoder: push chunks as they arrive, get the complete frames back. */
export class StdcopyDecoder {
  private pending: Buffer = Buffer.alloc(0)

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk
    const frames: Frame[] = []
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4)
      if (this.pending.length < 8 + size) break
      frames.push({ stream: this.pending[0]!, data: this.pending.subarray(8, 8 + size) })
      this.pending = this.pending.subarray(8 + size)
    }
    return frames
  }

  /** Bytes of an incomplete frame left at the end of the stream. */
  get leftover(): number {
    return this.pending.length
  }
}

export function encodeFrame(stream: number, data: Buffer | string): Buffer {
  const body = typeof data === 'string' ? Buffer.from(data) : data
  const head = Buffer.alloc(8)
  head[0] = stream
  head.writeUInt32BE(body.length, 4)
  return Buffer.concat([head, body])
}
