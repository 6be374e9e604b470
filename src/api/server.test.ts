// The server over a real Unix socket: wire details the router tests cannot see.
import assert from 'node:assert/strict'
import { mkdtemp, rm, stat, writeFile } from 'node:fs/promises'
import http from 'node:http'
import net from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { after, before, test } from 'node:test'
import { BerthError, type ErrorKind } from '../lib/errors.js'
import { setLevel } from '../lib/log.js'
import { pingRoutes } from './routes/ping.js'
import { createApiServer, listenTcp, listenUnix, type Listener } from './server.js'
import { frame } from './stdcopy.js'
import type { Route } from './types.js'

let dir: string
let sock: string
let server: http.Server
let listener: Listener
const agent = new http.Agent({ keepAlive: true, maxSockets: 1 })

const routes: Route[] = [
  ...pingRoutes(),
  { method: 'GET', pattern: '/echo', handler: (r) => ({ json: { version: r.version, query: r.query.get('q') } }) },
  { method: 'POST', pattern: '/containers/create', handler: (r) => ({ status: 201, json: { body: r.body } }) },
  { method: 'POST', pattern: '/upload', handler: async (r) => {
    let n = 0
    for await (const c of r.raw) n += (c as Buffer).length
    return { json: { body: r.body ?? null, bytes: n } }
  } },
  { method: 'GET', pattern: '/fail/{kind}', handler: (r) => { throw new BerthError(r.params.kind as ErrorKind, `failed as ${r.params.kind}`) } },
  { method: 'POST', pattern: '/containers/{id}/start', handler: () => ({ status: 204, empty: true }) },
  { method: 'GET', pattern: '/stream', handler: () => ({
    stream: Readable.from((async function* () {
      yield '{"n":1}\n'
      await new Promise((r) => setTimeout(r, 20))
      yield '{"n":2}\n'
    })()),
  }) },
  { method: 'GET', pattern: '/forever', handler: () => {
    const s = new Readable({ read() {} })
    s.push('tick\n')
    s.on('close', () => forever.resolve())
    return { stream: s, contentType: 'text/plain' }
  } },
  { method: 'POST', pattern: '/containers/{id}/attach', handler: (r) => r.params.id === 'missing'
    ? (() => { throw new BerthError('not-found', 'No such container: missing') })()
    : { contentType: 'application/vnd.docker.multiplexed-stream', hijack: ({ socket, head }) => {
      // echo stdin back as stdout frames, prefixed by whatever came with the request
      if (head.length) socket.write(frame(1, head))
      socket.on('data', (c: Buffer) => socket.write(frame(1, c)))
      socket.on('end', () => socket.end(frame(2, 'bye')))
    } } },
  { method: 'POST', pattern: '/exec/{id}/start', handler: (r) => ({
    contentType: 'application/vnd.docker.raw-stream',
    hijack: ({ socket, head }) => {
      socket.end(`body=${JSON.stringify(r.body)} head=${head.toString()}`)
    },
  }) },
]

let forever: { promise: Promise<void>; resolve: () => void }

before(async () => {
  setLevel('fatal')
  dir = await mkdtemp(join(tmpdir(), 'berth-api-'))
  sock = join(dir, 'run', 'berth.sock')
  server = createApiServer(routes, { version: '0.1.0' })
  listener = await listenUnix(server, sock)
})

after(async () => {
  agent.destroy()
  server.closeAllConnections()
  await listener.close()
  await rm(dir, { recursive: true, force: true })
})

interface Reply { status: number; headers: http.IncomingHttpHeaders; body: string; socket: unknown }

function request(method: string, path: string, opts: { body?: string | Buffer; headers?: Record<string, string> } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ socketPath: sock, method, path, headers: opts.headers, agent }, (res) => {
      let body = ''
      res.on('data', (c) => (body += c))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body, socket: req.socket }))
    })
    req.on('error', reject)
    req.end(opts.body)
  })
}

const json = { 'Content-Type': 'application/json' }

test('socket file is created with mode 0660 in a new directory', async () => {
  assert.equal((await stat(sock)).mode & 0o777, 0o660)
})

test('listenUnix refuses a live socket and replaces a stale one', async () => {
  await assert.rejects(listenUnix(http.createServer(), sock), /address already in use/)
  const stalePath = join(dir, 'stale.sock')
  const s = net.createServer()
  await new Promise<void>((r) => s.listen(stalePath, r))
  // close the listener without removing the file, as a crashed daemon would leave it
  ;(s as unknown as { _handle: { close(): void } })._handle.close()
  const other = createApiServer(routes, { version: '0.1.0' })
  await (await listenUnix(other, stalePath)).close()
  const file = join(dir, 'regular')
  await writeFile(file, 'x')
  await assert.rejects(listenUnix(http.createServer(), file), /not a socket/)
})

test('one server can listen on a Unix socket and TCP at once', async () => {
  const tcp = await listenTcp(server, '127.0.0.1', 0)
  const port = (tcp.address as net.AddressInfo).port
  const body = await new Promise<string>((resolve, reject) => {
    http.get({ host: '127.0.0.1', port, path: '/v1.41/_ping', agent: false }, (res) => {
      let b = ''
      res.on('data', (c) => (b += c))
      res.on('end', () => resolve(b))
    }).on('error', reject)
  })
  assert.equal(body, 'OK')
  await tcp.close()
  assert.equal((await request('GET', '/_ping')).body, 'OK')
})

test('every response carries dockerd headers', async () => {
  const r = await request('GET', '/echo')
  assert.equal(r.headers['api-version'], '1.47')
  assert.equal(r.headers['docker-experimental'], 'false')
  assert.equal(r.headers['ostype'], 'linux')
  assert.equal(r.headers['server'], 'Docker/0.1.0 (linux)')
  assert.equal(r.headers['content-type'], 'application/json')
  assert.equal(r.body, '{"version":"1.47","query":null}\n')
})

test('version prefixes and query strings', async () => {
  assert.equal((await request('GET', '/v1.41/echo?q=a%20b')).body, '{"version":"1.41","query":"a b"}\n')
  assert.equal((await request('GET', '/v1.47/echo')).body, '{"version":"1.47","query":null}\n')
})

test('too-new and too-old versions', async () => {
  const hi = await request('GET', '/v1.48/echo')
  assert.equal(hi.status, 400)
  assert.deepEqual(JSON.parse(hi.body), { message: 'client version 1.48 is too new. Maximum supported API version is 1.47' })
  const lo = await request('GET', '/v1.10/echo')
  assert.equal(lo.status, 400)
  assert.equal(lo.headers['content-type'], 'text/plain; charset=utf-8') // dockerd answers pre-1.24 clients in plain text
  assert.equal(lo.body, 'client version 1.10 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version\n')
})

test('unknown path and wrong method are 404 page not found', async () => {
  for (const [m, p] of [['GET', '/nope'], ['GET', '/v1.41/nope'], ['DELETE', '/echo']]) {
    const r = await request(m, p)
    assert.equal(r.status, 404, `${m} ${p}`)
    assert.equal(r.headers['content-type'], 'application/json')
    assert.equal(r.body, '{"message":"page not found"}\n')
  }
})

test('JSON bodies are parsed; malformed ones are 400 with Go wording', async () => {
  const ok = await request('POST', '/containers/create', { body: '{"Image":"busybox"}', headers: json })
  assert.equal(ok.status, 201)
  assert.deepEqual(JSON.parse(ok.body), { body: { Image: 'busybox' } })
  const bad = await request('POST', '/containers/create', { body: 'x{', headers: json })
  assert.equal(bad.status, 400)
  assert.deepEqual(JSON.parse(bad.body), { message: "invalid JSON: invalid character 'x' looking for beginning of value" })
  const empty = await request('POST', '/containers/create', { headers: json })
  assert.deepEqual(JSON.parse(empty.body), {})
})

test('tar bodies are left unread for the handler', async () => {
  const r = await request('POST', '/upload', { body: Buffer.alloc(100000, 1), headers: { 'Content-Type': 'application/x-tar' } })
  assert.deepEqual(JSON.parse(r.body), { body: null, bytes: 100000 })
})

test('error kinds map to statuses', async () => {
  const table: Array<[string, number]> = [['invalid', 400], ['forbidden', 403], ['not-found', 404], ['conflict', 409],
    ['unavailable', 503], ['not-implemented', 501], ['internal', 500]]
  for (const [kind, status] of table) {
    const r = await request('GET', `/fail/${kind}`)
    assert.equal(r.status, status)
    assert.deepEqual(JSON.parse(r.body), { message: `failed as ${kind}` })
  }
  const nm = await request('GET', '/fail/not-modified')
  assert.equal(nm.status, 304)
  assert.equal(nm.body, '')
})

test('empty results and keep-alive', async () => {
  const a = await request('POST', '/containers/abc/start')
  assert.equal(a.status, 204)
  const b = await request('GET', '/echo')
  assert.equal(a.socket, b.socket, 'connection reused')
})

test('streamed results are chunked and flushed per chunk', async () => {
  const chunks: string[] = []
  const res = await new Promise<http.IncomingMessage>((resolve) =>
    http.get({ socketPath: sock, path: '/stream', agent: false }, resolve))
  assert.equal(res.headers['transfer-encoding'], 'chunked')
  assert.equal(res.headers['content-type'], 'application/json')
  for await (const c of res) chunks.push(c.toString())
  assert.deepEqual(chunks, ['{"n":1}\n', '{"n":2}\n'])
})

test('a client that disconnects destroys the stream', async () => {
  let resolve!: () => void
  forever = { promise: new Promise<void>((r) => (resolve = r)), resolve: () => resolve() }
  const res = await new Promise<http.IncomingMessage>((r) => http.get({ socketPath: sock, path: '/forever', agent: false }, r))
  const first = await new Promise<string>((r) => res.once('data', (c) => r(c.toString())))
  assert.equal(first, 'tick\n')
  res.destroy()
  await forever.promise
})

test('GET and HEAD /_ping', async () => {
  const g = await request('GET', '/_ping')
  assert.equal(g.status, 200)
  assert.equal(g.body, 'OK')
  assert.equal(g.headers['content-type'], 'text/plain; charset=utf-8')
  assert.equal(g.headers['cache-control'], 'no-cache, no-store, must-revalidate')
  assert.equal(g.headers['pragma'], 'no-cache')
  assert.equal(g.headers['api-version'], '1.47')
  assert.equal(g.headers['builder-version'], '1')
  const h = await request('HEAD', '/v1.41/_ping')
  assert.equal(h.status, 200)
  assert.equal(h.body, '')
  assert.equal(h.headers['content-length'], '0')
  assert.equal(h.headers['api-version'], '1.47')
})

/** Sends raw bytes and collects everything until the server closes. */
function rawExchange(write: (s: net.Socket) => void): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const s = net.connect(sock)
    const chunks: Buffer[] = []
    s.on('data', (c) => chunks.push(c))
    s.on('end', () => { resolve(Buffer.concat(chunks)); s.end() })
    s.on('error', reject)
    s.on('connect', () => write(s))
  })
}

function splitHead(buf: Buffer): { head: string; body: Buffer } {
  const i = buf.indexOf('\r\n\r\n')
  return { head: buf.subarray(0, i).toString(), body: buf.subarray(i + 4) }
}

const afterHead = (s: net.Socket, then: () => void) => {
  let seen = ''
  const onData = (c: Buffer) => {
    seen += c.toString('latin1')
    if (seen.includes('\r\n\r\n')) { s.off('data', onData); then() }
  }
  s.on('data', onData)
}

test('hijack with Upgrade: tcp answers 101 and streams both ways', async () => {
  const out = await rawExchange((s) => {
    s.write('POST /v1.47/containers/web/attach?stream=1&stdin=1&stdout=1 HTTP/1.1\r\nHost: api\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\nearly')
    afterHead(s, () => { s.write('stdin data'); setTimeout(() => s.end(), 20) })
  })
  const { head, body } = splitHead(out)
  const lines = head.split('\r\n')
  assert.equal(lines[0], 'HTTP/1.1 101 UPGRADED')
  assert.ok(lines.includes('Content-Type: application/vnd.docker.multiplexed-stream'))
  assert.ok(lines.includes('Connection: Upgrade'))
  assert.ok(lines.includes('Upgrade: tcp'))
  assert.ok(lines.includes('Api-Version: 1.47'))
  assert.equal(body.toString(), Buffer.concat([frame(1, 'early'), frame(1, 'stdin data'), frame(2, 'bye')]).toString())
})

test('hijack without Upgrade answers 200 OK on a plain POST', async () => {
  const out = await rawExchange((s) => {
    // a keep-alive request first, to show the same connection is then taken over
    s.write('GET /_ping HTTP/1.1\r\nHost: api\r\n\r\n')
    afterHead(s, () => {
      setTimeout(() => {
        s.write('POST /containers/web/attach?stream=1 HTTP/1.1\r\nHost: api\r\nContent-Length: 0\r\n\r\n')
        let seen = ''
        s.on('data', (c) => {
          seen += c.toString('latin1')
          if (seen.includes('200 OK') && seen.endsWith('\r\n\r\n')) { s.write('hello'); setTimeout(() => s.end(), 20) }
        })
      }, 20)
    })
  })
  const text = out.toString('latin1')
  const start = text.indexOf('HTTP/1.1 200 OK\r\nContent-Type: application/vnd.docker.multiplexed-stream')
  assert.ok(start > 0, text)
  const { body } = splitHead(out.subarray(start))
  assert.equal(body.toString(), Buffer.concat([frame(1, 'hello'), frame(2, 'bye')]).toString())
})

test('an Upgrade request that fails gets a normal JSON error and is closed', async () => {
  const out = await rawExchange((s) =>
    s.write('POST /containers/missing/attach HTTP/1.1\r\nHost: api\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n'))
  const { head, body } = splitHead(out)
  assert.match(head, /^HTTP\/1.1 404 Not Found\r\n/)
  assert.match(head, /Content-Type: application\/json/)
  assert.equal(body.toString(), '{"message":"No such container: missing"}\n')
})

test('exec start with a JSON body and Upgrade reads the body first', async () => {
  const body = '{"Detach":false,"Tty":true}'
  const out = await rawExchange((s) => {
    s.write(`POST /v1.41/exec/e1/start HTTP/1.1\r\nHost: api\r\nConnection: Upgrade\r\nUpgrade: tcp\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 5)}`)
    setTimeout(() => s.write(body.slice(5) + 'rest'), 20)
  })
  const { head, body: got } = splitHead(out)
  assert.match(head, /^HTTP\/1.1 101 UPGRADED\r\nContent-Type: application\/vnd.docker.raw-stream/)
  assert.equal(got.toString(), `body=${body} head=rest`)
})
