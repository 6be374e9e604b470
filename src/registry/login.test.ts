import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { TransportError, type HttpRequest, type HttpResponse } from './http.js'
import { checkLogin, loginDomain } from './login.js'

const policy = { insecureRegistries: [], certsDir: '/nonexistent' }

/** A stand-in HTTP client: `answer` sees each request (URL and Authorization) in order. */
function fakeHttp(answer: (req: HttpRequest) => { status: number; headers?: Record<string, string>; body?: string } | Error) {
  const seen: Array<{ url: string; authorization?: string }> = []
  return {
    seen,
    send: async (req: HttpRequest): Promise<HttpResponse> => {
      seen.push({ url: req.url.href, authorization: req.headers?.Authorization })
      const a = answer(req)
      if (a instanceof Error) throw a
      const body = new PassThrough()
      body.end(a.body ?? '')
      return { status: a.status, headers: a.headers ?? {}, body: body as unknown as IncomingMessage }
    },
  }
}

const basicOk = (req: HttpRequest) => {
  if (req.url.protocol === 'https:') return new TransportError('Get "https://127.0.0.1:5000/v2/": tls: first record does not look like a TLS handshake', true)
  if (req.headers?.Authorization === `Basic ${Buffer.from('u:p').toString('base64')}`) return { status: 200 }
  return { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }
}

test('loginDomain: server address forms as dockerd reads them', () => {
  assert.equal(loginDomain(undefined), 'docker.io')
  assert.equal(loginDomain('https://index.docker.io/v1/'), 'docker.io')
  assert.equal(loginDomain('127.0.0.1:5000'), '127.0.0.1:5000')
  assert.equal(loginDomain('http://reg.example:443/v2/'), 'reg.example:443')
})

test('basic: an insecure registry falls back to http; good credentials log in', async () => {
  const http = fakeHttp(basicOk)
  assert.deepEqual(await checkLogin(http, policy, { username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' }), { Status: 'Login Succeeded', IdentityToken: '' })
  assert.deepEqual(http.seen.map((s) => s.url), ['https://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/', 'http://127.0.0.1:5000/v2/'])
})

test('basic: a wrong password is dockerd\'s message and no other endpoint is tried', async () => {
  const http = fakeHttp(basicOk)
  await assert.rejects(checkLogin(http, policy, { username: 'u', password: 'x', serveraddress: '127.0.0.1:5000' }), {
    message: 'login attempt to http://127.0.0.1:5000/v2/ failed with status: 401 Unauthorized',
  })
})

test('bearer: the token comes from the realm with the credentials, then /v2/ accepts it', async () => {
  const http = fakeHttp((req) => {
    if (req.url.protocol === 'https:') return new TransportError('refused', false)
    if (req.url.pathname === '/token') {
      return req.headers?.Authorization ? { status: 200, body: '{"token":"T"}' } : { status: 401, body: '{"details":"incorrect username or password"}' }
    }
    if (req.headers?.Authorization === 'Bearer T') return { status: 200 }
    return { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://127.0.0.1:9/token",service="reg"' } }
  })
  await checkLogin(http, policy, { username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' })
  assert.equal(http.seen[2]!.url, 'http://127.0.0.1:9/token?service=reg&account=u')
  await assert.rejects(checkLogin(http, policy, { serveraddress: '127.0.0.1:5000' }), {
    message: 'Get "http://127.0.0.1:5000/v2/": unauthorized: incorrect username or password',
  })
})

test('an unreachable registry is the transport\'s error', async () => {
  const http = fakeHttp(() => new TransportError('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', false))
  await assert.rejects(checkLogin(http, policy, { username: 'u', password: 'p', serveraddress: '127.0.0.1:1' }), /connection refused/)
})
