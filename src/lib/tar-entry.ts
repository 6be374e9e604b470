// Writing one entry into a tar-stream pack, its body a buffer or a stream with backpressure:
// what layer packing (storage/) and build-context packing (client/, build/) share.
import type { Readable } from 'node:stream'
import type tar from 'tar-stream'

export type TarHeader = Parameters<tar.Pack['entry']>[0]

/** Writes one tar entry, its body a buffer or streamed with backpressure. */
export function add(pack: tar.Pack, h: TarHeader, body?: Readable | Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    const done = (e?: Error | null) => (e ? reject(e) : resolve())
    // An entry's failure (the pack destroyed when its reader went away) reaches `done`; without
    // a listener the entry's own 'error' event would be uncaught and end the daemon.
    const quiet = (entry: { on(ev: 'error', fn: () => void): unknown }) => entry.on('error', () => undefined)
    if (!body || Buffer.isBuffer(body)) {
      quiet(pack.entry(h, body ?? '', done))
      return
    }
    const entry = pack.entry(h, done)
    quiet(entry)
    ;(async () => {
      for await (const chunk of body) {
        if (!entry.write(chunk as Buffer)) await new Promise<void>((r) => entry.once('drain', () => r()))
      }
      entry.end(undefined as never)
    })().catch(reject)
  })
}
