import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import type { IncomingMessage } from 'node:http'
import { RegistryError } from './errors.js'
import type { HttpResponse } from './http.js'
import { cancelUpload, ensureBlob, startUpload, uploadStream, withQuery } from './upload.js'

interface Sent {
  method: string
  target: string
  headers: Record<string, string>
  body: Buffer
}

/** A recording stand-in for a repository session: answers as docker-registry does. */
function fakeSession(answer: (req: Sent, n: number) => { status: number; headers?: Record<string, string>; body?: string }) {
  const sent: Sent[] = []
  const respond = (status: number, headers: Record<string, string> = {}, body = ''): HttpResponse => {
    const stream = new PassThrough()
    stream.end(body)
    return { status, headers, body: stream as unknown as IncomingMessage }
  }
  return {
    sent,
    request: async (method: string, target: string, opts: { headers?: Record<string, string>; body?: unknown } = {}) => {
      const req = { method, target, headers: opts.headers ?? {}, body: Buffer.isBuffer(opts.body) ? opts.body : Buffer.alloc(0) }
      sent.push(req)
      const a = answer(req, sent.length - 1)
      return respond(a.status, a.headers, a.body)
    },
    fail: async (res: HttpResponse, what: string) => new RegistryError('unavailable', `${what}: ${res.status}`, '', res.status),
    headBlob: async () => undefined,
  }
}

const registryLike = (req: Sent, n: number) => {
  if (req.method === 'POST') return { status: 202, headers: { location: '/v2/x/blobs/uploads/u?_state=0' } }
  if (req.method === 'PATCH') return { status: 202, headers: { location: `/v2/x/blobs/uploads/u?_state=${n}` } }
  return { status: 201 }
}

const digestOf = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex')

test('content within one chunk goes in a single PUT with ?digest=', async () => {
  const s = fakeSession(registryLike)
  const data = Buffer.from('hello world')
  const r = await uploadStream(s, '/v2/x/blobs/uploads/u?_state=0', [data.subarray(0, 5), data.subarray(5)], { chunkSize: 64 })
  assert.deepEqual(r, { digest: digestOf(data), size: data.length, chunks: 0 })
  assert.equal(s.sent.length, 1)
  assert.equal(s.sent[0]!.method, 'PUT')
  assert.equal(s.sent[0]!.target, `/v2/x/blobs/uploads/u?_state=0&digest=${encodeURIComponent(digestOf(data))}`)
  assert.deepEqual(s.sent[0]!.body, data)
})

test('longer content goes in chunkSize PATCHes with Content-Range, following each new location, then an empty PUT', async () => {
  const s = fakeSession(registryLike)
  const data = Buffer.alloc(25, 7)
  const r = await uploadStream(s, '/v2/x/blobs/uploads/u?_state=0', [data.subarray(0, 3), data.subarray(3, 24), data.subarray(24)], { chunkSize: 10 })
  assert.deepEqual(r, { digest: digestOf(data), size: 25, chunks: 3 })
  assert.deepEqual(s.sent.map((x) => [x.method, x.headers['Content-Range'], x.body.length]), [
    ['PATCH', '0-9', 10], ['PATCH', '10-19', 10], ['PATCH', '20-24', 5], ['PUT', undefined, 0],
  ])
  assert.equal(s.sent[1]!.target, '/v2/x/blobs/uploads/u?_state=0')
  assert.equal(s.sent[2]!.target, '/v2/x/blobs/uploads/u?_state=1')
  assert.match(s.sent[3]!.target, /^\/v2\/x\/blobs\/uploads\/u\?_state=2&digest=sha256%3A/)
})

test('a refused chunk is the registry\'s error', async () => {
  const s = fakeSession((req) => (req.method === 'PATCH' ? { status: 416 } : { status: 201 }))
  await assert.rejects(uploadStream(s, '/u', [Buffer.alloc(30)], { chunkSize: 10 }), /PATCH upload chunk 1: 416/)
})

test('startUpload needs a 202 with a location; cancel is best effort', async () => {
  const s = fakeSession(registryLike)
  assert.equal(await startUpload(s, 'x'), '/v2/x/blobs/uploads/u?_state=0')
  assert.equal(s.sent[0]!.target, '/v2/x/blobs/uploads/')
  const refused = fakeSession(() => ({ status: 401 }))
  await assert.rejects(startUpload(refused, 'x'), /POST \/v2\/x\/blobs\/uploads\/: 401/)
  await cancelUpload(refused, '/v2/x/blobs/uploads/u')
  assert.equal(refused.sent[1]!.method, 'DELETE')
})

test('ensureBlob uploads only what the repository lacks', async () => {
  const s = fakeSession(registryLike)
  const config = Buffer.from('{"rootfs":{}}')
  assert.equal(await ensureBlob(s, 'x', config, { chunkSize: 1024 }), digestOf(config))
  assert.deepEqual(s.sent.map((x) => x.method), ['POST', 'PUT'])
  const present = { ...fakeSession(registryLike), headBlob: async () => config.length }
  assert.equal(await ensureBlob(present, 'x', config, { chunkSize: 1024 }), digestOf(config))
  assert.equal(present.sent.length, 0)
})

test('withQuery appends to a location that has a query already', () => {
  assert.equal(withQuery('/u', { digest: 'sha256:ab' }), '/u?digest=sha256%3Aab')
  assert.equal(withQuery('http://h/u?_state=x', { digest: 'd' }), 'http://h/u?_state=x&digest=d')
})

test('a PATCH answer whose Range falls short of the bytes sent fails the upload', async () => {
  const s = fakeSession((req, n) => (req.method === 'PATCH'
    ? { status: 202, headers: { location: `/u?_state=${n}`, range: n === 0 ? '0-9' : '0-14' } }
    : { status: 201 }))
  await assert.rejects(uploadStream(s, '/u', [Buffer.alloc(25)], { chunkSize: 10 }), /upload chunk 2: the registry holds bytes 0-14, 20 were sent/)
})

test('a stored digest other than the one sent fails the upload', async () => {
  const s = fakeSession(() => ({ status: 201, headers: { 'docker-content-digest': 'sha256:' + '0'.repeat(64) } }))
  await assert.rejects(uploadStream(s, '/u', [Buffer.from('x')], { chunkSize: 10 }), /the registry stored sha256:0{64}/)
  const ok = fakeSession((req) => ({ status: 201, headers: { 'docker-content-digest': new URL(req.target, 'http://r').searchParams.get('digest')! } }))
  assert.equal((await uploadStream(ok, '/u', [Buffer.from('x')], { chunkSize: 10 })).size, 1)
})
