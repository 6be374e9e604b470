// berthd's HTTP server: decodes node's requests into ApiRequests, runs them through the router,
// and turns ApiResults into bytes. It owns the wire details dockerd clients rely on: the
// /vX.Y prefix, the headers every response carries, JSON body reading, chunked streams that
// flush per chunk, keep-alive without an idle timeout, and the hijack path for attach/exec.
import { mkdir, chmod, lstat, unlink } from 'node:fs/promises'
import http, { type IncomingMessage, type ServerResponse } from 'node:http'
import net, { type AddressInfo } from 'node:net'
import { dirname } from 'node:path'
import { pipeline, type Duplex, type Writable } from 'node:stream'
import { BerthError } from '../lib/errors.js'
import { log } from '../lib/log.js'
import { errorResult } from './errors.js'
import { hijackHead, rawResponseHead, readUpgradeBody, takeOverSocket } from './hijack.js'
import { isJsonContentType, parseJsonBody, readAll } from './request-body.js'
import { Router } from './router.js'
import type { ApiRequest, ApiResult, Route } from './types.js'
import { DEFAULT_VERSION, MAX_VERSION, splitVersionPrefix } from './version.js'

export interface ApiServerOptions {
  /** berth's own version, for the Server header. */
  version: string
  experimental?: boolean
}

/** Headers dockerd's middleware puts on every response. */
export function commonHeaders(opts: ApiServerOptions): Record<string, string> {
  return {
    'Api-Version': MAX_VERSION,
    'Docker-Experimental': opts.experimental ? 'true' : 'false',
    Ostype: 'linux',
    Server: `Docker/${opts.version} (linux)`,
  }
}

type Decoded = Omit<ApiRequest, 'params' | 'body'>

function decode(req: IncomingMessage): Decoded {
  const url = req.url ?? '/'
  const q = url.indexOf('?')
  const { version, path } = splitVersionPrefix(q < 0 ? url : url.slice(0, q))
  return {
    method: req.method ?? 'GET',
    path,
    version: version ?? DEFAULT_VERSION,
    query: new URLSearchParams(q < 0 ? '' : url.slice(q + 1)),
    headers: req.headers,
    raw: req,
  }
}

export function createApiServer(routes: Route[], opts: ApiServerOptions): http.Server {
  const router = new Router(routes)
  const headers = commonHeaders(opts)
  const server = http.createServer()
  // dockerd has no idle or whole-request timeout: clients keep connections for reuse, and
  // image loads and builds upload for as long as they take.
  server.keepAliveTimeout = 0
  server.requestTimeout = 0
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    serveRequest(router, headers, req, res).catch((err) => {
      log.error('serving request failed', { error: String(err), stack: err instanceof Error ? err.stack : undefined })
      res.destroy()
    })
  })
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', (err) => log.debug('upgraded connection error', { error: err.message }))
    serveUpgrade(router, headers, req, socket, head).catch((err) => {
      log.error('serving upgrade failed', { error: String(err), stack: err instanceof Error ? err.stack : undefined })
      socket.destroy()
    })
  })
  return server
}

async function serveRequest(router: Router, common: Record<string, string>, req: IncomingMessage, res: ServerResponse) {
  const d = decode(req)
  let result: ApiResult
  try {
    router.check(d.method, d.path, d.version)
    const body = isJsonContentType(req.headers['content-type']) ? parseJsonBody(await readAll(req)) : undefined
    result = await router.handle({ ...d, body })
  } catch (err) {
    result = errorResult(err, d)
  }
  if ('hijack' in result) {
    if (!req.readableEnded) await readAll(req) // leave no body bytes between us and the stream
    const socket = takeOverSocket(req, res)
    socket.on('error', (err) => log.debug('hijacked connection error', { error: err.message }))
    socket.write(hijackHead(result.contentType, req.headers.upgrade !== undefined, common))
    await runHijack(result.hijack, socket, Buffer.alloc(0))
    return
  }
  writeResult(res, result, common)
}

async function serveUpgrade(router: Router, common: Record<string, string>, req: IncomingMessage, socket: Duplex, head: Buffer) {
  const d = decode(req)
  let result: ApiResult
  let rest = head
  try {
    router.check(d.method, d.path, d.version)
    let body: unknown
    if (isJsonContentType(req.headers['content-type'])) {
      const read = await readUpgradeBody(req, socket, head)
      rest = read.rest
      body = parseJsonBody(read.body)
    }
    result = await router.handle({ ...d, body })
  } catch (err) {
    result = errorResult(err, d)
  }
  if ('hijack' in result) {
    socket.write(hijackHead(result.contentType, true, common))
    await runHijack(result.hijack, socket, rest)
    return
  }
  // Not hijacked after all (an error, a detached exec): answer once and close, since this
  // socket no longer has an HTTP parser behind it.
  writeRawResult(socket, result, common)
}

async function runHijack(hijack: Extract<ApiResult, { hijack: unknown }>['hijack'], socket: Duplex, head: Buffer) {
  try {
    await hijack({ socket, head })
  } catch (err) {
    log.error('hijacked handler failed', { error: String(err), stack: err instanceof Error ? err.stack : undefined })
    socket.destroy()
  }
}

/** Content type and bytes of a non-stream, non-hijack result. */
function bodyOf(result: ApiResult): { type?: string; bytes?: Buffer } {
  if ('json' in result) return { type: 'application/json', bytes: Buffer.from(`${JSON.stringify(result.json) ?? 'null'}\n`) }
  if ('text' in result) return { type: 'text/plain; charset=utf-8', bytes: Buffer.from(result.text) }
  return {}
}

function statusOfResult(result: Exclude<ApiResult, { hijack: unknown }>): number {
  return result.status ?? 200
}

function writeResult(res: ServerResponse, result: Exclude<ApiResult, { hijack: unknown }>, common: Record<string, string>) {
  for (const [k, v] of Object.entries(common)) res.setHeader(k, v)
  if ('stream' in result) {
    res.setHeader('Content-Type', result.contentType ?? 'application/json')
    for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v)
    res.writeHead(statusOfResult(result))
    res.flushHeaders() // clients (docker events, logs -f) wait for the head before any data
    pipeStream(result.stream, res)
    return
  }
  const { type, bytes } = bodyOf(result)
  if (type) res.setHeader('Content-Type', type)
  if (bytes) res.setHeader('Content-Length', bytes.length)
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v)
  res.writeHead(statusOfResult(result))
  res.end(bytes)
}

function writeRawResult(socket: Duplex, result: Exclude<ApiResult, { hijack: unknown }>, common: Record<string, string>) {
  const base = { ...common, Connection: 'close' }
  if ('stream' in result) {
    socket.write(rawResponseHead(statusOfResult(result), { ...base, 'Content-Type': result.contentType ?? 'application/json', ...result.headers }))
    pipeStream(result.stream, socket)
    return
  }
  const { type, bytes } = bodyOf(result)
  const headers: Record<string, string> = { ...base }
  if (type) headers['Content-Type'] = type
  headers['Content-Length'] = String(bytes?.length ?? 0)
  socket.end(Buffer.concat([Buffer.from(rawResponseHead(statusOfResult(result), { ...headers, ...result.headers })), bytes ?? Buffer.alloc(0)]))
}

/** Streams until the source ends; a client that goes away destroys the source. */
function pipeStream(source: NodeJS.ReadableStream & { destroy?: () => void }, dest: Writable) {
  pipeline(source, dest, (err) => {
    if (err && (err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') {
      log.warn('response stream failed', { error: err.message })
    }
  })
}

/** One address the API is served on. Several can feed the same http.Server (-H given twice). */
export interface Listener {
  address: string | AddressInfo
  /** Stops accepting; open connections stay with the http.Server (closeAllConnections ends them). */
  close(): Promise<void>
}

/**
 * Listens on a Unix socket, creating its directory. A socket file left by a dead daemon is
 * removed; one that still answers means another daemon is running, which is an error.
 */
export async function listenUnix(server: http.Server, path: string, mode = 0o660): Promise<Listener> {
  await mkdir(dirname(path), { recursive: true })
  const existing = await lstat(path).catch(() => undefined)
  if (existing) {
    if (!existing.isSocket()) throw new BerthError('conflict', `listen unix ${path}: file exists and is not a socket`)
    if (await answers(path)) throw new BerthError('conflict', `listen unix ${path}: address already in use by a running daemon`)
    await unlink(path)
  }
  const listener = await listen(server, path, `unix ${path}`)
  await chmod(path, mode)
  return listener
}

/** Plain TCP (`-H tcp://127.0.0.1:2375`). TLS is not implemented yet. */
export function listenTcp(server: http.Server, host: string, port: number): Promise<Listener> {
  return listen(server, { host, port }, `tcp ${host}:${port}`)
}

// Each address gets its own net.Server that hands sockets to the one http.Server, so any
// number of -H flags share routes, keep-alive handling and closeAllConnections.
function listen(server: http.Server, where: string | { host: string; port: number }, what: string): Promise<Listener> {
  const net_ = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => server.emit('connection', socket))
  return new Promise((resolve, reject) => {
    net_.once('error', (err) => reject(new BerthError('unavailable', `listen ${what}: ${err.message}`, { cause: err })))
    net_.listen(where, () => {
      net_.removeAllListeners('error')
      net_.on('error', (err) => log.error('listener failed', { listener: what, error: err.message }))
      resolve({
        address: net_.address() as string | AddressInfo,
        close: () => new Promise<void>((done) => net_.close(() => done())),
      })
    })
  })
}

function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(path)
    conn.once('connect', () => {
      conn.destroy()
      resolve(true)
    })
    conn.once('error', () => resolve(false))
  })
}
