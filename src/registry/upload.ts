// Blob uploads of unknown length for push, on a repository session (client.ts): the content is
// hashed while it streams, so its digest is known only at the end. Content that ends within the
// first chunk goes in one `PUT ?digest=` (monolithic); longer content goes in `chunkSize` PATCHes
// with Content-Range, then an empty `PUT ?digest=` commits it. A `location` is the upload URL the
// registry hands out; it changes after every PATCH. Memory use is bounded by one chunk.
import { createHash } from 'node:crypto'
import type { Readable } from 'node:stream'
import { BerthError } from '../lib/errors.js'
import type { Repository } from './client.js'

export interface UploadOptions {
  /** Bytes per PATCH, and the largest blob sent monolithically. */
  chunkSize: number
  signal?: AbortSignal
}

export const DEFAULT_CHUNK_SIZE = 8 << 20

export interface UploadedBlob {
  digest: string
  size: number
  /** PATCH requests used: 0 for a monolithic upload. */
  chunks: number
}

type Session = Pick<Repository, 'request' | 'fail'>

/** Adds query parameters to a path or URL that may already have some. */
export function withQuery(url: string, params: Record<string, string>): string {
  return url + (url.includes('?') ? '&' : '?') + new URLSearchParams(params).toString()
}

/** Opens an upload session on the repository; returns its location. */
export async function startUpload(repo: Session, path: string, signal?: AbortSignal): Promise<string> {
  const start = `/v2/${path}/blobs/uploads/`
  const res = await repo.request('POST', start, { signal, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) })
  if (res.status !== 202 || !res.headers.location) throw await repo.fail(res, `POST ${start}`)
  res.body.resume()
  return res.headers.location
}

/** Abandons an upload session (best effort: the registry purges stale ones anyway). */
export async function cancelUpload(repo: Session, location: string): Promise<void> {
  await repo.request('DELETE', location).then((r) => r.body.resume(), () => undefined)
}

/** Sends `content` to the session at `location` (see the header); returns what was stored. */
export async function uploadStream(repo: Session, location: string, content: AsyncIterable<Buffer> | Iterable<Buffer> | Readable, o: UploadOptions): Promise<UploadedBlob> {
  const hash = createHash('sha256')
  let pending: Buffer[] = []
  let pendingBytes = 0
  let sent = 0
  let chunks = 0
  let where = location
  const patch = async (data: Buffer) => {
    const res = await repo.request('PATCH', where, {
      signal: o.signal, body: data,
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${sent}-${sent + data.length - 1}`, 'Content-Length': String(data.length) },
    })
    if (res.status !== 202) throw await repo.fail(res, `PATCH upload chunk ${chunks + 1}`)
    res.body.resume()
    // the answer's Range says what the session holds now: anything short of what was sent is lost
    const held = /^(?:bytes=)?0-(\d+)$/.exec(String(res.headers.range ?? ''))
    if (held && Number(held[1]) !== sent + data.length - 1) {
      throw new BerthError('unavailable', `upload chunk ${chunks + 1}: the registry holds bytes 0-${held[1]}, ${sent + data.length} were sent`)
    }
    where = res.headers.location ?? where
    sent += data.length
    chunks++
  }
  for await (const piece of content as AsyncIterable<Buffer>) {
    o.signal?.throwIfAborted()
    hash.update(piece)
    pending.push(piece)
    pendingBytes += piece.length
    while (pendingBytes > o.chunkSize) {
      const all = Buffer.concat(pending)
      await patch(all.subarray(0, o.chunkSize))
      pending = [all.subarray(o.chunkSize)]
      pendingBytes = pending[0]!.length
    }
  }
  const digest = 'sha256:' + hash.digest('hex')
  const rest = Buffer.concat(pending)
  // after chunks, the tail goes as one more PATCH so that the PUT only commits
  if (chunks > 0 && rest.length > 0) await patch(rest)
  const body = chunks > 0 ? Buffer.alloc(0) : rest
  const res = await repo.request('PUT', withQuery(where, { digest }), {
    signal: o.signal, body,
    headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(body.length) },
  })
  if (res.status !== 201) throw await repo.fail(res, `PUT ${digest}`)
  res.body.resume()
  const stored = res.headers['docker-content-digest']
  if (typeof stored === 'string' && stored !== digest) throw new BerthError('invalid', `upload of ${digest}: the registry stored ${stored}`)
  return { digest, size: sent + body.length, chunks }
}

/** Uploads a small blob held in memory (the image config) unless the repository has it. */
export async function ensureBlob(repo: Session & Pick<Repository, 'headBlob'>, path: string, data: Buffer, o: UploadOptions): Promise<string> {
  const digest = 'sha256:' + createHash('sha256').update(data).digest('hex')
  if ((await repo.headBlob(digest, o.signal)) !== undefined) return digest
  const location = await startUpload(repo, path, o.signal)
  await uploadStream(repo, location, [data], o)
  return digest
}
