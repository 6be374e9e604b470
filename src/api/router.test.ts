import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { IncomingMessage } from 'node:http'
import { BerthError } from '../lib/errors.js'
import { Router } from './router.js'
import type { ApiRequest, Route } from './types.js'

const echo = (name: string) => (req: ApiRequest) => ({ json: { name, params: req.params, version: req.version } })

const routes: Route[] = [
  { method: 'GET', pattern: '/containers/json', handler: echo('list') },
  { method: 'GET', pattern: '/containers/{id}/json', handler: echo('inspect') },
  { method: 'DELETE', pattern: '/containers/{id}', handler: echo('remove') },
  { method: 'GET', pattern: '/images/json', handler: echo('images') },
  { method: 'GET', pattern: '/images/{name*}/json', handler: echo('image-inspect') },
  { method: 'GET', pattern: '/images/{name*}/history', handler: echo('history') },
  { method: 'POST', pattern: '/images/{name*}/tag', handler: echo('tag') },
  { method: 'POST', pattern: '/images/{name*}/push', handler: echo('push') },
  { method: 'POST', pattern: '/images/prune', handler: echo('prune'), minVersion: '1.25' },
  { method: 'DELETE', pattern: '/images/{name*}', handler: echo('rmi') },
  { method: 'GET', pattern: '/distribution/{name*}/json', handler: echo('distribution') },
  { method: 'GET', pattern: '/boom', handler: () => { throw new BerthError('conflict', 'name in use') } },
  { method: 'GET', pattern: '/crash', handler: () => { throw new Error('bug') } },
]
const router = new Router(routes)

function matched(method: string, path: string) {
  const m = router.match(method, path)
  assert.ok('handler' in m, `${method} ${path} should match`)
  return m
}

test('literal routes beat params', () => {
  assert.deepEqual(matched('GET', '/containers/json').params, {})
  assert.deepEqual(matched('GET', '/containers/abc/json').params, { id: 'abc' })
  assert.equal(matched('GET', '/images/json').route.pattern, '/images/json')
})

test('greedy params take image names with slashes and ports', () => {
  assert.deepEqual(matched('GET', '/images/docker.io/library/busybox:latest/json').params, { name: 'docker.io/library/busybox:latest' })
  assert.deepEqual(matched('GET', '/images/localhost:5000/a/b/json').params, { name: 'localhost:5000/a/b' })
  assert.deepEqual(matched('POST', '/images/localhost:5000/a/b/tag').params, { name: 'localhost:5000/a/b' })
  assert.deepEqual(matched('GET', '/images/a/b/history').params, { name: 'a/b' })
  assert.deepEqual(matched('DELETE', '/images/docker.io/library/busybox:latest').params, { name: 'docker.io/library/busybox:latest' })
  assert.deepEqual(matched('GET', '/distribution/ghcr.io/x/y:1/json').params, { name: 'ghcr.io/x/y:1' })
  // an image literally called "json"
  assert.deepEqual(matched('GET', '/images/json/json').params, { name: 'json' })
})

test('params are URL-decoded', () => {
  assert.deepEqual(matched('GET', '/images/docker.io%2Flibrary%2Fbusybox/json').params, { name: 'docker.io/library/busybox' })
  assert.deepEqual(matched('GET', '/containers/my%20name/json').params, { id: 'my name' })
})

test('single-segment params do not cross slashes', () => {
  assert.deepEqual(router.match('GET', '/containers/a/b/json'), { notFound: true })
})

test('unknown path and wrong method', () => {
  assert.deepEqual(router.match('GET', '/nope'), { notFound: true })
  assert.deepEqual(router.match('PUT', '/containers/json'), { methodNotAllowed: true })
  // HEAD does not fall back to GET (dockerd answers 404)
  assert.deepEqual(router.match('HEAD', '/containers/json'), { methodNotAllowed: true })
})

const req = (method: string, path: string, version = '1.47'): Omit<ApiRequest, 'params'> => ({
  method,
  path,
  version,
  query: new URLSearchParams(),
  headers: {},
  body: undefined,
  raw: {} as IncomingMessage,
})

test('handle runs the handler with params and version', async () => {
  assert.deepEqual(await router.handle(req('GET', '/containers/web/json', '1.41')), {
    json: { name: 'inspect', params: { id: 'web' }, version: '1.41' },
  })
})

test('handle answers Docker errors without a socket', async () => {
  assert.deepEqual(await router.handle(req('GET', '/nope')), { status: 404, json: { message: 'page not found' } })
  assert.deepEqual(await router.handle(req('POST', '/containers/json')), { status: 404, json: { message: 'page not found' } })
  assert.deepEqual(await router.handle(req('GET', '/boom')), { status: 409, json: { message: 'name in use' } })
  assert.deepEqual(await router.handle(req('GET', '/containers/json', '1.48')), {
    status: 400,
    json: { message: 'client version 1.48 is too new. Maximum supported API version is 1.47' },
  })
  assert.deepEqual(await router.handle(req('POST', '/images/prune', '1.24')), {
    status: 400,
    json: { message: 'POST /images/prune requires minimum API version 1.25' },
  })
  assert.deepEqual(await router.handle(req('GET', '/containers/%zz/json')), {
    status: 400,
    json: { message: 'invalid URL escape in "%zz"' },
  })
})

test('a non-BerthError is a 500', async () => {
  const { setLevel } = await import('../lib/log.js')
  setLevel('fatal')
  assert.deepEqual(await router.handle(req('GET', '/crash')), { status: 500, json: { message: 'bug' } })
})

test('duplicate routes are refused', () => {
  assert.throws(() => new Router([routes[0], routes[0]]), /duplicate route GET \/containers\/json/)
})
