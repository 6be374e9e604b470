// A pass-through stage that also writes every chunk to a second destination, so that one read of
// a stream feeds two consumers (a layer's tar file while it is unpacked). The slower of the two
// sets the pace: a chunk goes downstream at once, but the next one is taken only when the copy
// has room. The copy is ended and flushed before the stage ends; an error on either side
// destroys both.
import { Transform, type TransformCallback, type Writable } from 'node:stream'

export class CopyTo extends Transform {
  constructor(private readonly copy: Writable) {
    super()
    copy.on('error', (e) => this.destroy(e))
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.push(chunk)
    if (this.copy.write(chunk)) cb()
    else this.copy.once('drain', () => cb())
  }

  override _flush(cb: TransformCallback): void {
    this.copy.end(() => cb())
  }

  override _destroy(err: Error | null, cb: (error?: Error | null) => void): void {
    if (!this.copy.writableFinished) this.copy.destroy(err ?? undefined)
    cb(err)
  }
}
