import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { nextLink, RegistryClient } from './client.js'
import { HttpClient, TransportError, type HttpRequest, type HttpResponse } from './http.js'
import { startUpload, uploadStream } from './upload.js'

const policy = { insecureRegistries: [], certsDir: '/nonexistent' }
type Answer = { status: number; headers?: Record<string, string>; body?: string }

/** A registry on 127.0.0.1:5000 over plain http (https is refused), answering with `answer`. */
function fakeRegistry(answer: (req: HttpRequest) => Answer) {
  const seen: Array<{ method: string; url: string; authorization?: string; tls: boolean }> = []
  const http = new HttpClient()
  http.send = async (req: HttpRequest): Promise<HttpResponse> => {
    if (req.url.protocol === 'https:') throw new TransportError(`Get "${req.url.href}": http: server gave HTTP response to HTTPS client`, false)
    seen.push({ method: req.method, url: req.url.href, authorization: req.headers?.Authorization, tls: req.tls !== undefined })
    const a = answer(req)
    const body = new PassThrough()
    body.end(a.body ?? '')
    return { status: a.status, headers: { ...a.headers }, body: body as unknown as IncomingMessage }
  }
  const repo = new RegistryClient(policy, http).repository({ domain: '127.0.0.1:5000', path: 'x/app', actions: ['pull', 'push'], auth: { username: 'u', password: 'p' } })
  return { seen, repo }
}

const BASIC = `Basic ${Buffer.from('u:p').toString('base64')}`

test('a relative Location is resolved against the URL that answered, not the origin', async () => {
  const { seen, repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 200 }
    if (req.method === 'POST') return { status: 202, headers: { location: 'session-1?_state=a' } }
    return { status: 201 }
  })
  const location = await startUpload(repo, 'x/app')
  assert.equal(location, 'http://127.0.0.1:5000/v2/x/app/blobs/uploads/session-1?_state=a')
  await uploadStream(repo, location, [Buffer.from('x')], { chunkSize: 10 })
  assert.match(seen.at(-1)!.url, /^http:\/\/127\.0\.0\.1:5000\/v2\/x\/app\/blobs\/uploads\/session-1\?_state=a&digest=sha256%3A/)
})

test('Bearer is answered before Basic when a registry offers both, in either order', async () => {
  const { seen, repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/token') return { status: 200, body: '{"token":"T"}' }
    if (req.headers?.Authorization === 'Bearer T') return { status: 200, headers: { 'content-type': 'application/json' }, body: '{}' }
    return { status: 401, headers: { 'www-authenticate': 'Basic realm="r", Bearer realm="http://127.0.0.1:9/token",service="reg"' } }
  })
  assert.equal(await repo.headBlob('sha256:' + 'a'.repeat(64)), 0)
  assert.ok(seen.some((s) => s.url.startsWith('http://127.0.0.1:9/token?service=reg&scope=repository%3Ax%2Fapp%3Apull%2Cpush')))
  assert.ok(!seen.some((s) => s.authorization === BASIC && s.url.startsWith('http://127.0.0.1:5000/')), 'no Basic credentials to the registry')
})

test('a blob redirect to another host gets no credentials; one to the registry itself keeps them', async () => {
  const { seen, repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }
    if (req.url.host === 'storage.test') return { status: 200, body: 'blob' }
    if (req.url.pathname.endsWith('/a')) return { status: 307, headers: { location: 'http://storage.test/b?sig=1' } }
    if (req.url.pathname.endsWith('/c')) return { status: 307, headers: { location: '/v2/x/app/blobs/moved' } }
    return req.headers?.Authorization === BASIC ? { status: 200, body: 'own' } : { status: 401, headers: { 'www-authenticate': 'Basic realm="r"' } }
  })
  const foreign = await repo.openBlob('a')
  foreign.body.resume()
  assert.deepEqual(seen.at(-1), { method: 'GET', url: 'http://storage.test/b?sig=1', authorization: undefined, tls: false })
  const own = await repo.openBlob('c')
  own.body.resume()
  assert.deepEqual(seen.at(-1), { method: 'GET', url: 'http://127.0.0.1:5000/v2/x/app/blobs/moved', authorization: BASIC, tls: false })
})

test('mountBlob: 201 is mounted, 202 hands back the session the registry opened', async () => {
  const { repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 200 }
    return req.url.searchParams.get('from') === 'x/base' ? { status: 201 } : { status: 202, headers: { location: '/v2/x/app/blobs/uploads/s2' } }
  })
  const d = 'sha256:' + 'b'.repeat(64)
  assert.deepEqual(await repo.mountBlob(d, 'x/base'), { mounted: true })
  assert.deepEqual(await repo.mountBlob(d, 'x/other'), { mounted: false, location: 'http://127.0.0.1:5000/v2/x/app/blobs/uploads/s2' })
})

test('a partial blob answer must start at the offset asked for', async () => {
  const { repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 200 }
    const asked = /bytes=(\d+)-/.exec(req.headers?.Range ?? '')?.[1] ?? '0'
    return { status: 206, headers: { 'content-range': `bytes ${asked === '10' ? 10 : 5}-19/20`, 'content-length': '10' }, body: 'x'.repeat(10) }
  })
  const right = await repo.openBlob('sha256:a', { offset: 10 })
  right.body.resume()
  assert.equal(right.offset, 10)
  await assert.rejects(repo.openBlob('sha256:a', { offset: 12 }), /the registry sent bytes from 5, not from 12/)
})

test('a HEAD of a blob follows a storage redirect, as Go\'s client does', async () => {
  const { seen, repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 200 }
    if (req.url.host === 'storage.test') return { status: 200, headers: { 'content-length': '1234' } }
    return { status: 307, headers: { location: 'http://storage.test/blob?sig=1' } }
  })
  assert.equal(await repo.headBlob('sha256:' + 'c'.repeat(64)), 1234)
  assert.deepEqual(seen.at(-1), { method: 'HEAD', url: 'http://storage.test/blob?sig=1', authorization: undefined, tls: false })
})

test('listTags follows Link rel="next" pages relative to the page that named them; a repeated page is refused', async () => {
  const pages: Record<string, Answer> = {
    '/v2/x/app/tags/list': { status: 200, headers: { link: '</v2/x/app/tags/list?last=b&n=2>; rel="next"' }, body: '{"name":"x/app","tags":["a","b"]}' },
    '/v2/x/app/tags/list?last=b&n=2': { status: 200, headers: { link: '<list?last=d&n=2>; rel="next"' }, body: '{"name":"x/app","tags":["c","d"]}' },
    '/v2/x/app/tags/list?last=d&n=2': { status: 200, body: '{"name":"x/app","tags":["e"]}' },
  }
  const { seen, repo } = fakeRegistry((req): Answer => {
    if (req.url.pathname === '/v2/') return { status: 401, headers: { 'www-authenticate': 'Basic realm="registry"' } }
    return pages[req.url.pathname + req.url.search] ?? { status: 404, body: '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}' }
  })
  assert.deepEqual(await repo.listTags(), ['a', 'b', 'c', 'd', 'e'])
  assert.deepEqual(seen.filter((s) => s.url.includes('/tags/')).map((s) => s.authorization), [BASIC, BASIC, BASIC])

  const looping = fakeRegistry((req): Answer => req.url.pathname === '/v2/'
    ? { status: 200 }
    : { status: 200, headers: { link: '</v2/x/app/tags/list>; rel="next"' }, body: '{"tags":["a"]}' })
  await assert.rejects(looping.repo.listTags(), /read already/)

  const empty = fakeRegistry((req): Answer => req.url.pathname === '/v2/' ? { status: 200 } : { status: 200, body: '{"name":"x/app","tags":null}' })
  assert.deepEqual(await empty.repo.listTags(), [])

  const unknown = fakeRegistry((req): Answer => req.url.pathname === '/v2/' ? { status: 200 } : { status: 404, body: '{"errors":[{"code":"NAME_UNKNOWN","message":"repository name not known to registry"}]}' })
  await assert.rejects(unknown.repo.listTags(), { code: 'NAME_UNKNOWN' })
})

test('nextLink: the rel="next" entry of a Link header, among others', () => {
  assert.equal(nextLink('</v2/x/tags/list?n=2&last=b>; rel="next"'), '/v2/x/tags/list?n=2&last=b')
  assert.equal(nextLink('<https://a/prev>; rel="prev", <https://a/next>; rel=next'), 'https://a/next')
  assert.equal(nextLink('<https://a/prev>; rel="prev"'), undefined)
  assert.equal(nextLink(undefined), undefined)
})
