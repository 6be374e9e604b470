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
    kind: 'internal', // dockerd's plain error: a 500
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
  // offline access, as dockerd asks: a server that issues refresh tokens sends one back
  assert.equal(http.seen[2]!.url, 'http://127.0.0.1:9/token?service=reg&offline_token=true&client_id=docker&account=u')
  await assert.rejects(checkLogin(http, policy, { serveraddress: '127.0.0.1:5000' }), {
    message: 'Get "http://127.0.0.1:5000/v2/": unauthorized: incorrect username or password',
    kind: 'unauthorized',
  })
})

test('an unreachable registry is the transport\'s error', async () => {
  const http = fakeHttp(() => new TransportError('Get "http://127.0.0.1:1/v2/": dial tcp 127.0.0.1:1: connect: connection refused', false))
  await assert.rejects(checkLogin(http, policy, { username: 'u', password: 'p', serveraddress: '127.0.0.1:1' }), /connection refused/)
})

test('bearer: a refresh token the server issues is the IdentityToken; an identity token logs in by the refresh grant', async () => {
  const forms: string[] = []
  const http = fakeHttp((req) => {
    if (req.url.protocol === 'https:') return new TransportError('refused', false)
    if (req.url.pathname === '/token') {
      if (req.method === 'POST') {
        forms.push(String(req.body))
        return new URLSearchParams(String(req.body)).get('refresh_token') === 'R1' ? { status: 200, body: '{"access_token":"T"}' } : { status: 401, body: '{"details":"invalid refresh token"}' }
      }
      return { status: 200, body: '{"token":"T","refresh_token":"R1"}' }
    }
    if (req.headers?.Authorization === 'Bearer T') return { status: 200 }
    return { status: 401, headers: { 'www-authenticate': 'Bearer realm="http://127.0.0.1:9/token",service="reg"' } }
  })
  assert.deepEqual(await checkLogin(http, policy, { username: 'u', password: 'p', serveraddress: '127.0.0.1:5000' }), { Status: 'Login Succeeded', IdentityToken: 'R1' })
  assert.deepEqual(await checkLogin(http, policy, { identitytoken: 'R1', serveraddress: '127.0.0.1:5000' }), { Status: 'Login Succeeded', IdentityToken: 'R1' })
  assert.equal(new URLSearchParams(forms[0]).get('client_id'), 'docker')
  assert.equal(new URLSearchParams(forms[0]).get('grant_type'), 'refresh_token')
  await assert.rejects(checkLogin(http, policy, { identitytoken: 'stale', serveraddress: '127.0.0.1:5000' }), {
    message: 'Get "http://127.0.0.1:5000/v2/": unauthorized: invalid refresh token',
    kind: 'unauthorized',
  })
})

test('basic: no username is Go\'s "no basic auth credentials"', async () => {
  const http = fakeHttp(basicOk)
  await assert.rejects(checkLogin(http, policy, { identitytoken: 'x', serveraddress: '127.0.0.1:5000' }), {
    message: 'Get "http://127.0.0.1:5000/v2/": no basic auth credentials',
    kind: 'internal',
  })
})
