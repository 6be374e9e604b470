// ADD <url>: berthd fetches the file as dockerd's classic builder does (moby builder/dockerfile
// downloadSource): the name comes from the URL's path, else from Content-Disposition; the file
// is written 0600 with the Last-Modified time (the Unix epoch when there is none); an answer of
// 400 or more fails with the status and the body. The file is never extracted, even a tar.
import { createWriteStream } from 'node:fs'
import { mkdir, mkdtemp, rm, utimes } from 'node:fs/promises'
import { posix } from 'node:path'
import { get as httpGet, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { get as httpsGet } from 'node:https'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import { BerthError } from '../lib/errors.js'
import { countProgress, progressText, progressThrottle } from '../lib/progress.js'

/** The name an unnamed download gets on disk (dockerd's unnamedFilename). */
export const UNNAMED = '__unnamed__'

export interface Downloaded {
  /** The file on the host. */
  path: string
  /** Its name from the URL or Content-Disposition; '' when neither gives one. */
  name: string
  /** Removes the temporary directory. */
  release(): Promise<void>
}

/** Docker's urlutil.IsURL: only http and https sources are downloaded. */
export const isDownloadUrl = (s: string): boolean => s.startsWith('http://') || s.startsWith('https://')

/** The file name dockerd picks: the URL path's base name, else Content-Disposition's filename. */
export function downloadName(urlPath: string, contentDisposition: string | null): string {
  if (urlPath !== '' && !urlPath.endsWith('/')) {
    const base = posix.basename(urlPath)
    if (base !== '') return base
  }
  const m = /(?:^|;)\s*filename\s*=\s*(?:"([^"]*)"|([^;\s]*))/i.exec(contentDisposition ?? '')
  const given = m?.[1] ?? m?.[2] ?? ''
  const base = given !== '' && !given.endsWith('/') ? posix.basename(given) : ''
  // `..` or `.` would name the download dir itself or its parent: no name then
  return base === '.' || base === '..' ? '' : base
}

/** The URL's path decoded as Go's url.URL.Path is; a malformed escape stays as written. */
function decodedPath(u: URL): string {
  try {
    return decodeURIComponent(u.pathname)
  } catch {
    return u.pathname
  }
}

/** Last-Modified as a time; the epoch when absent or unreadable (dockerd's zero time). */
export function lastModified(header: string | null): Date {
  const t = header ? Date.parse(header) : NaN
  return Number.isNaN(t) ? new Date(0) : new Date(t)
}

const STRERROR: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset by peer',
  EHOSTUNREACH: 'no route to host',
  ENETUNREACH: 'network is unreachable',
  ETIMEDOUT: 'connection timed out',
}

/** A failed request in Go's net/http words where Node's cause allows (`dial tcp …: connect: connection refused`). */
export function requestError(url: string, e: unknown): BerthError {
  const cause = (e as { cause?: { code?: string; syscall?: string; address?: string; port?: number; hostname?: string; message?: string } }).cause
  let why = cause?.message ?? (e as Error).message
  if (cause?.code === 'ENOTFOUND' && cause.hostname) why = `dial tcp: lookup ${cause.hostname}: no such host`
  else if (cause?.code && STRERROR[cause.code] && cause.syscall === 'connect' && cause.address) {
    why = `dial tcp ${cause.address}:${cause.port}: connect: ${STRERROR[cause.code]}`
  }
  return new BerthError('invalid', `Get ${JSON.stringify(url)}: ${why}`, { cause: e })
}

interface Answer {
  status: number
  statusText: string
  headers: IncomingHttpHeaders
  body: IncomingMessage
}

const header = (h: IncomingHttpHeaders, name: string): string | null => {
  const v = h[name]
  return v === undefined ? null : Array.isArray(v) ? (v[0] ?? null) : v
}

/**
 * GET with node:http(s) rather than fetch: fetch refuses the "bad ports" of browsers (1, 22,
 * 6000…), Go's client does not. Redirects are followed up to 10 times, as Go's client does.
 */
function get(url: URL, signal: AbortSignal | undefined, hops = 0): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const client = url.protocol === 'https:' ? httpsGet : httpGet
    const req = client(url, { signal, agent: false }, (res) => {
      const status = res.statusCode ?? 0
      const location = res.headers.location
      if ([301, 302, 303, 307, 308].includes(status) && location) {
        res.resume()
        if (hops >= 10) return reject(new Error('stopped after 10 redirects'))
        // a throw here would escape the promise: it runs in the request's event handler
        let next: URL
        try {
          next = new URL(location, url)
        } catch (e) {
          return reject(e)
        }
        return resolve(get(next, signal, hops + 1))
      }
      resolve({ status, statusText: res.statusMessage ?? '', headers: res.headers, body: res })
    })
    req.on('error', (e) => reject(Object.assign(new Error(e.message), { cause: e })))
  })
}

/** Most of an error answer's body that goes into the message. */
const ERROR_BODY_LIMIT = 64 << 10

/** An error answer's body, cut at `ERROR_BODY_LIMIT`: a server could send one without end. */
async function readText(body: Readable): Promise<string> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const chunk of body) {
    chunks.push(chunk as Buffer)
    n += (chunk as Buffer).length
    if (n >= ERROR_BODY_LIMIT) break // leaving the loop destroys the body, closing its socket
  }
  return Buffer.concat(chunks).subarray(0, ERROR_BODY_LIMIT).toString('utf8')
}

/** A JSON message of the build stream (dockerd's `Downloading` progress lines). */
export type ProgressSink = (msg: object) => Promise<void>

/** moby's progress reader over the body: `Downloading [==>   ]  1kB/2kB`, with no id. */
function downloading(total: number, report: ProgressSink) {
  const mayShow = progressThrottle()
  return countProgress(total, async (current, isFinal) => {
    if (!mayShow('', isFinal)) return false
    const detail = total > 0 ? { current, total } : { current }
    const text = progressText(detail)
    await report(text ? { status: 'Downloading', progressDetail: detail, progress: text } : { status: 'Downloading', progressDetail: detail })
    return true
  })
}

/** Downloads `url` into a new directory under `tmpDir`, reporting progress to `progress`. */
export async function download(url: string, tmpDir: string, signal?: AbortSignal, progress?: ProgressSink): Promise<Downloaded> {
  let res: Answer
  let parsed: URL
  try {
    parsed = new URL(url)
    res = await get(parsed, signal)
  } catch (e) {
    throw requestError(url, e)
  }
  if (res.status >= 400) {
    const body = (await readText(res.body).catch(() => '')).trim()
    throw new BerthError('invalid', `failed to GET ${url} with status ${res.status} ${res.statusText}: ${body}`)
  }
  const name = downloadName(decodedPath(parsed), header(res.headers, 'content-disposition'))
  let dir: string
  try {
    await mkdir(tmpDir, { recursive: true })
    dir = await mkdtemp(posix.join(tmpDir, 'build-download-'))
  } catch (e) {
    // unread, the answer would hold its socket open until the server gives up
    res.body.destroy()
    throw e
  }
  const release = () => rm(dir, { recursive: true, force: true })
  try {
    const path = posix.join(dir, name || UNNAMED)
    const out = createWriteStream(path, { flags: 'wx', mode: 0o600 })
    const total = Number(header(res.headers, 'content-length') ?? -1)
    if (progress) await pipeline(res.body, downloading(Number.isInteger(total) ? total : -1, progress), out)
    else await pipeline(res.body, out)
    const mtime = lastModified(header(res.headers, 'last-modified'))
    await utimes(path, mtime, mtime)
    return { path, name, release }
  } catch (e) {
    res.body.destroy()
    await release()
    if (e instanceof BerthError) throw e
    throw requestError(url, e)
  }
}
