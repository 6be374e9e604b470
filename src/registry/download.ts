// Blob downloads to files, each verified while streaming: the bytes' sha256 must equal the
// descriptor's digest and their count its size, or the file is deleted and the pull fails.
// A connection that breaks part-way is resumed with a Range request from the bytes already
// written (a registry that ignores Range sends the whole blob: the file is restarted), at most
// MAX_ATTEMPTS times. Downloads are single-flight per digest within the daemon: concurrent
// pulls of the same layer share one transfer and one file, which goes when the last user
// releases it.
import { createHash, randomBytes, type Hash } from 'node:crypto'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, rm, truncate } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BerthError } from '../lib/errors.js'
import type { Repository } from './client.js'
import { TransportError } from './http.js'

export const MAX_ATTEMPTS = 4

export interface BlobTarget {
  digest: string
  size: number
}

/** Bytes received so far of a blob's `size`. */
export type OnBytes = (current: number, size: number) => void

export interface DownloadedBlob {
  file: string
  /** Call once done with the file: the last release deletes it. */
  release(): Promise<void>
}

interface Flight {
  file: string
  users: number
  settled: boolean
  done: Promise<void>
  listeners: Set<OnBytes>
}

/** Hashes and counts, failing as soon as more bytes than expected arrive. */
class Verifier extends Transform {
  constructor(readonly hash: Hash, public bytes: number, private readonly size: number, private readonly digest: string) {
    super()
  }
  override _transform(chunk: Buffer, _e: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length
    if (this.bytes > this.size) return cb(new BerthError('invalid', `filesystem layer verification failed for digest ${this.digest}: more than ${this.size} bytes`))
    this.hash.update(chunk)
    cb(null, chunk)
  }
}

const isRetryable = (e: unknown): boolean => {
  if (e instanceof TransportError) return !e.isTls
  const code = (e as NodeJS.ErrnoException)?.code
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'ERR_STREAM_PREMATURE_CLOSE' || (e as Error)?.message === 'aborted'
}

const aborted = (signal: AbortSignal): Promise<never> =>
  new Promise((_, reject) => {
    const fail = () => reject(new BerthError('unavailable', 'pull canceled', { cause: signal.reason }))
    if (signal.aborted) fail()
    else signal.addEventListener('abort', fail, { once: true })
  })

async function rehash(file: string): Promise<{ hash: Hash; have: number }> {
  const hash = createHash('sha256')
  let have = 0
  const stream = createReadStream(file)
  try {
    for await (const c of stream) {
      hash.update(c as Buffer)
      have += (c as Buffer).length
    }
  } catch {
    return { hash: createHash('sha256'), have: 0 }
  }
  return { hash, have }
}

export class BlobDownloader {
  private readonly flights = new Map<string, Flight>()

  constructor(private readonly tmp: string) {}

  /** How many downloads run now (tests and the bench look). */
  get active(): number {
    return this.flights.size
  }

  /**
   * Downloads `blob` from `repo` into a file under tmp, or joins the download already running for
   * that digest. Throws a BerthError on a digest or size mismatch (the file is gone then). An
   * aborted `signal` stops this caller's wait, not a transfer other pulls may share.
   */
  async fetch(repo: Repository, blob: BlobTarget, onBytes?: OnBytes, signal?: AbortSignal): Promise<DownloadedBlob> {
    signal?.throwIfAborted()
    const f = this.flights.get(blob.digest) ?? this.start(repo, blob)
    f.users++
    if (onBytes) f.listeners.add(onBytes)
    try {
      await (signal ? Promise.race([f.done, aborted(signal)]) : f.done)
    } catch (e) {
      await this.drop(f, blob.digest)
      throw e
    } finally {
      if (onBytes) f.listeners.delete(onBytes)
    }
    return { file: f.file, release: () => this.drop(f, blob.digest) }
  }

  private start(repo: Repository, blob: BlobTarget): Flight {
    const file = join(this.tmp, `pull-${blob.digest.slice(7, 19)}-${randomBytes(4).toString('hex')}`)
    const listeners = new Set<OnBytes>()
    const f: Flight = { file, users: 0, listeners, settled: false, done: Promise.resolve() }
    f.done = this.transfer(repo, blob, file, (c, s) => { for (const l of listeners) l(c, s) }).then(
      () => { f.settled = true },
      async (e: unknown) => {
        f.settled = true
        if (this.flights.get(blob.digest) === f) this.flights.delete(blob.digest)
        await rm(file, { force: true })
        throw e
      },
    )
    f.done.catch(() => undefined) // a flight nobody waits for any more must not be an unhandled rejection
    this.flights.set(blob.digest, f)
    return f
  }

  /** One user less; the last one removes the file once the transfer has settled. */
  private async drop(f: Flight, digest: string): Promise<void> {
    if (--f.users > 0) return
    const removeFile = async () => {
      if (f.users > 0) return
      if (this.flights.get(digest) === f) this.flights.delete(digest)
      await rm(f.file, { force: true })
    }
    if (f.settled) await removeFile()
    else void f.done.then(removeFile, removeFile)
  }

  private async transfer(repo: Repository, blob: BlobTarget, file: string, onBytes: OnBytes): Promise<void> {
    await mkdir(this.tmp, { recursive: true })
    let hash = createHash('sha256')
    let have = 0
    for (let attempt = 1; ; attempt++) {
      const reader = await repo.openBlob(blob.digest, { offset: have }).catch((e: unknown) => {
        if (attempt < MAX_ATTEMPTS && isRetryable(e)) return undefined
        throw e
      })
      if (!reader) continue
      if (reader.offset !== have) {
        // the registry sent the blob from the start: begin again
        hash = createHash('sha256')
        have = 0
        await truncate(file, 0).catch(() => undefined)
      }
      const verifier = new Verifier(hash, have, blob.size, blob.digest)
      const report = new Transform({
        transform(chunk: Buffer, _e, cb) {
          onBytes(verifier.bytes, blob.size)
          cb(null, chunk)
        },
      })
      try {
        await pipeline(reader.body, verifier, report, createWriteStream(file, { flags: have > 0 ? 'a' : 'w' }))
        have = verifier.bytes
        if (have !== blob.size) throw Object.assign(new Error('aborted'), { code: 'ERR_STREAM_PREMATURE_CLOSE' })
        break
      } catch (e) {
        if (e instanceof BerthError) throw e
        if (attempt >= MAX_ATTEMPTS || !isRetryable(e)) throw new BerthError('unavailable', `downloading ${blob.digest}: ${(e as Error).message}`, { cause: e })
        // chunks hashed but still buffered when the connection broke never reached the file:
        // resume from what the file really holds, hashed again
        ;({ hash, have } = await rehash(file))
      }
    }
    const got = 'sha256:' + hash.digest('hex')
    if (got !== blob.digest) {
      throw new BerthError('invalid', `filesystem layer verification failed for digest ${blob.digest}`)
    }
  }
}
