// One HTTP primitive over the daemon's Unix socket; every API call is built on `request`.
// The first call pings the daemon to learn its API version (we speak 1.47 and step down to an
// older server's version) and, for the default socket only, starts the daemon when nobody answers.
// Hijacked endpoints (attach, exec start) upgrade the connection to a raw duplex socket.
import http from 'node:http'
import type { Socket } from 'node:net'
import type { Readable } from 'node:stream'
import { startDaemon } from './autostart.js'
import { ApiError, ConnectError, errorMessage, isConnectFailure } from './errors.js'
import type { Host } from './host.js'

export const CLIENT_API_VERSION = '1.47'

export type QueryValue = string | number | boolean | undefined | null | readonly string[]
export type Query = Record<string, QueryValue>

export interface RequestOptions {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'
  path: string
  query?: Query
  /** JSON-encoded when not a stream or Buffer. */
  body?: unknown
  headers?: Record<string, string>
}

export interface Hijacked {
  /** Bytes from the daemon (starting with `head`, already prepended). */
  output: Readable
  /** Raw stdin bytes to the daemon. */
  write(data: Buffer): void
  /** Half-close: the process sees EOF on stdin; output keeps flowing. */
  closeWrite(): void
  close(): void
  /** Content type of the stream: raw (TTY) or multiplexed (stdcopy frames). */
  multiplexed: boolean
}

/** Docker's query encoding: keys sorted, true → 1, false and empty omitted, arrays repeated. */
export function encodeQuery(q: Query | undefined): string {
  if (!q) return ''
  const params = new URLSearchParams()
  for (const key of Object.keys(q).sort()) {
    const v = q[key]
    if (v === undefined || v === null || v === false) continue
    if (Array.isArray(v)) for (const item of v) params.append(key, item)
    else params.append(key, v === true ? '1' : String(v))
  }
  const s = params.toString()
  return s ? `?${s}` : ''
}

export const versionLess = (a: string, b: string): boolean => {
  const [a1 = 0, a2 = 0] = a.split('.').map(Number)
  const [b1 = 0, b2 = 0] = b.split('.').map(Number)
  return a1 < b1 || (a1 === b1 && a2 < b2)
}

export class Transport {
  private version: string | undefined
  private pinging: Promise<void> | undefined

  constructor(
    readonly host: Host,
    private readonly autostart: boolean,
  ) {}

  /** The API version in use, after negotiation. */
  async apiVersion(): Promise<string> {
    await this.ready()
    return this.version!
  }

  private ready(): Promise<void> {
    this.pinging ??= this.negotiate()
    return this.pinging
  }

  private async negotiate(): Promise<void> {
    let res: { status: number; headers: http.IncomingHttpHeaders }
    try {
      res = await this.ping()
    } catch (e) {
      if (!isConnectFailure(e)) throw e
      if (!this.autostart) throw new ConnectError(this.host.url, (e as NodeJS.ErrnoException).code)
      res = await startDaemon(() => this.ping(), this.host)
    }
    const server = res.headers['api-version']
    this.version = typeof server === 'string' && server !== '' && versionLess(server, CLIENT_API_VERSION) ? server : CLIENT_API_VERSION
  }

  /** GET /_ping without the version prefix; resolves on any HTTP answer. */
  ping(): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
    return new Promise((resolve, reject) => {
      const req = http.request({ socketPath: this.host.socketPath, path: '/_ping', method: 'GET', headers: { Host: 'berth' } }, (res) => {
        res.resume()
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }))
      })
      req.on('error', reject)
      req.end()
    })
  }

  private connectError(e: unknown): unknown {
    return isConnectFailure(e) ? new ConnectError(this.host.url, (e as NodeJS.ErrnoException).code) : e
  }

  private async prepare(opts: RequestOptions): Promise<{ options: http.RequestOptions; payload: Buffer | Readable | undefined }> {
    await this.ready()
    const headers: Record<string, string> = { Host: 'berth', 'User-Agent': 'berth-cli', ...opts.headers }
    let payload: Buffer | Readable | undefined
    if (opts.body !== undefined) {
      if (Buffer.isBuffer(opts.body)) payload = opts.body
      else if (typeof (opts.body as Readable).pipe === 'function') payload = opts.body as Readable
      else {
        payload = Buffer.from(JSON.stringify(opts.body))
        headers['Content-Type'] ??= 'application/json'
      }
    }
    if (Buffer.isBuffer(payload)) headers['Content-Length'] = String(payload.length)
    const path = `/v${this.version}${opts.path}${encodeQuery(opts.query)}`
    return { options: { socketPath: this.host.socketPath, method: opts.method, path, headers }, payload }
  }

  /** Sends a request; rejects with ApiError for statuses ≥ 400 (304 is not an error). */
  async request(opts: RequestOptions): Promise<http.IncomingMessage> {
    const { options, payload } = await this.prepare(opts)
    const res = await new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(options, resolve)
      req.on('error', (e) => reject(this.connectError(e)))
      if (payload && !Buffer.isBuffer(payload)) {
        payload.on('error', (e) => req.destroy(e))
        payload.pipe(req)
      } else req.end(payload)
    })
    if ((res.statusCode ?? 500) >= 400) {
      const body = await readAll(res)
      throw new ApiError(res.statusCode ?? 500, errorMessage(body.toString(), res.statusCode ?? 500))
    }
    return res
  }

  /**
   * Sends a request whose answer comes later (wait before start): returns once the daemon has
   * answered with headers, or shortly after the request was sent if it holds them back.
   */
  async pending<T>(opts: RequestOptions): Promise<{ result: Promise<T> }> {
    const { options, payload } = await this.prepare(opts)
    let markSent = () => {}
    const sent = new Promise<void>((r) => (markSent = r))
    const response = new Promise<http.IncomingMessage>((resolve, reject) => {
      const req = http.request(options, resolve)
      req.on('error', (e) => reject(this.connectError(e)))
      req.end(payload as Buffer | undefined, markSent)
    })
    response.catch(() => {})
    await Promise.race([response, sent.then(() => new Promise((r) => setTimeout(r, 250)))])
    const result = response.then(async (res) => {
      const body = (await readAll(res)).toString()
      if ((res.statusCode ?? 500) >= 400) throw new ApiError(res.statusCode ?? 500, errorMessage(body, res.statusCode ?? 500))
      return JSON.parse(body) as T
    })
    result.catch(() => {})
    return { result }
  }

  async json<T>(opts: RequestOptions): Promise<T> {
    const res = await this.request(opts)
    const body = (await readAll(res)).toString()
    return (body.trim() === '' ? undefined : JSON.parse(body)) as T
  }

  /** The raw JSON text, for callers that must keep the daemon's exact bytes (inspect). */
  async text(opts: RequestOptions): Promise<{ status: number; text: string }> {
    const res = await this.request(opts)
    return { status: res.statusCode ?? 200, text: (await readAll(res)).toString() }
  }

  async empty(opts: RequestOptions): Promise<number> {
    const res = await this.request(opts)
    res.resume()
    await new Promise((r) => res.on('end', r))
    return res.statusCode ?? 200
  }

  /** Upgrades the connection (Connection: Upgrade, Upgrade: tcp) and hands back the raw socket. */
  async hijack(opts: RequestOptions): Promise<Hijacked> {
    const { options, payload } = await this.prepare(opts)
    options.headers = { ...(options.headers as Record<string, string>), Connection: 'Upgrade', Upgrade: 'tcp' }
    options.agent = false
    return new Promise<Hijacked>((resolve, reject) => {
      const req = http.request(options)
      const multiplexed = (ct: unknown) => ct !== 'application/vnd.docker.raw-stream'
      req.on('upgrade', (res, socket: Socket, head: Buffer) => {
        if (head.length) socket.unshift(head)
        resolve(hijacked(socket, socket, multiplexed(res.headers['content-type'])))
      })
      req.on('response', (res) => {
        if ((res.statusCode ?? 500) >= 400) {
          readAll(res).then((b) => reject(new ApiError(res.statusCode ?? 500, errorMessage(b.toString(), res.statusCode ?? 500))), reject)
          return
        }
        // An old-style 200 answer: read through the response, write straight to the socket.
        resolve(hijacked(res, res.socket as Socket, multiplexed(res.headers['content-type'])))
      })
      req.on('error', (e) => reject(this.connectError(e)))
      req.end(payload as Buffer | undefined)
    })
  }
}

function hijacked(output: Readable, socket: Socket, multiplexed: boolean): Hijacked {
  return {
    output,
    multiplexed,
    write: (data) => void socket.write(data),
    closeWrite: () => void socket.end(),
    close: () => void socket.destroy(),
  }
}

export function readAll(stream: Readable): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    stream.on('data', (c: Buffer) => chunks.push(c))
    stream.on('end', () => resolve(Buffer.concat(chunks)))
    stream.on('error', reject)
  })
}

/** Parses a JSON-lines (or concatenated JSON) progress stream. */
export async function* jsonLines<T = Record<string, unknown>>(stream: Readable): AsyncGenerator<T> {
  let buf = ''
  for await (const chunk of stream) {
    buf += (chunk as Buffer).toString()
    let nl: number
    while ((nl = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, nl).trim()
      buf = buf.slice(nl + 1)
      if (line) yield JSON.parse(line) as T
    }
  }
  if (buf.trim()) yield JSON.parse(buf) as T
}
