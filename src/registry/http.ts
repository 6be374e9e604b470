// The registry client's HTTP: node:http(s) with one keep-alive agent per origin and TLS material,
// request bodies as buffers, answers as streams. Transport failures (refused, TLS)
// become BerthError('unavailable') in Go's words, prefixed like Go's url.Error:
// `Get "https://host/v2/": tls: failed to verify certificate: …`.
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { Readable } from 'node:stream'
import { createHash } from 'node:crypto'
import { rootCertificates } from 'node:tls'
import { BerthError } from '../lib/errors.js'
import type { TlsMaterial } from './endpoint.js'
import { transportMessage } from './errors.js'

export interface HttpRequest {
  method: string
  url: URL
  headers?: Record<string, string>
  body?: Buffer
  tls?: TlsMaterial
  signal?: AbortSignal
  /** Idle time before the request fails (ms); default 60 s. */
  timeoutMs?: number
}

export interface HttpResponse {
  status: number
  headers: IncomingHttpHeaders
  /** Must be consumed or destroyed. */
  body: IncomingMessage
}

/** `Get` for GET, as Go names methods in its errors. */
const goMethod = (m: string) => m.charAt(0) + m.slice(1).toLowerCase()

export class TransportError extends BerthError {
  constructor(message: string, readonly isTls: boolean, options?: ErrorOptions) {
    super('unavailable', message, options)
  }
}

const TLS_CODES = /CERT|SSL|TLS|EPROTO|ALTNAME|SIGNATURE/

export class HttpClient {
  private readonly agents = new Map<string, HttpAgent | HttpsAgent>()

  private agentFor(url: URL, tls?: TlsMaterial): HttpAgent | HttpsAgent {
    const fingerprint = tls
      ? createHash('sha256').update(JSON.stringify([tls.verify, tls.ca?.map(String), tls.cert && String(tls.cert)])).digest('hex').slice(0, 16)
      : ''
    const key = `${url.protocol}//${url.host}#${fingerprint}`
    let agent = this.agents.get(key)
    if (!agent) {
      agent = url.protocol === 'https:'
        // a certs.d CA is trusted besides the system's, as Docker does (Node's `ca` alone would replace them)
        ? new HttpsAgent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: tls?.verify ?? true, ...(tls?.ca ? { ca: [...rootCertificates, ...tls.ca.map(String)] } : {}), ...(tls?.cert ? { cert: tls.cert, key: tls.key } : {}) })
        : new HttpAgent({ keepAlive: true, maxSockets: 8 })
      this.agents.set(key, agent)
    }
    return agent
  }

  send(req: HttpRequest): Promise<HttpResponse> {
    const isHttps = req.url.protocol === 'https:'
    const fn = isHttps ? httpsRequest : httpRequest
    const what = `${goMethod(req.method)} "${req.url.href}"`
    return new Promise((resolve, reject) => {
      const r = fn(req.url, { method: req.method, headers: { 'User-Agent': 'berth', ...req.headers }, agent: this.agentFor(req.url, req.tls), signal: req.signal }, (res) => {
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res })
      })
      r.setTimeout(req.timeoutMs ?? 60_000, () => r.destroy(Object.assign(new Error('i/o timeout'), { code: 'ETIMEDOUT' })))
      r.on('error', (e: NodeJS.ErrnoException) => {
        if (e.name === 'AbortError') return reject(new BerthError('unavailable', `${what}: context canceled`, { cause: e }))
        reject(new TransportError(`${what}: ${transportMessage(e)}`, isHttps && TLS_CODES.test(`${e.code ?? ''} ${e.message}`), { cause: e }))
      })
      r.end(req.body)
    })
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy()
    this.agents.clear()
  }
}

/** Reads a whole (small) answer body. */
export const readBody = (res: HttpResponse, limit = 8 << 20): Promise<Buffer> => readAll(res.body, limit)

/** Reads a whole (small) stream, failing past `limit` bytes. */
export async function readAll(body: Readable, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = []
  let n = 0
  for await (const c of body) {
    n += (c as Buffer).length
    if (n > limit) {
      body.destroy()
      throw new BerthError('invalid', `registry answer larger than ${limit} bytes`)
    }
    chunks.push(c as Buffer)
  }
  return Buffer.concat(chunks)
}
