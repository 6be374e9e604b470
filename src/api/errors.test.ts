import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BerthError, type ErrorKind } from '../lib/errors.js'
import { setLevel } from '../lib/log.js'
import { errorResult, STATUS_BY_KIND } from './errors.js'

test('each kind maps to its status with a {message} body', () => {
  const expected: Array<[ErrorKind, number]> = [
    ['invalid', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['not-found', 404],
    ['conflict', 409],
    ['unavailable', 503],
    ['not-implemented', 501],
    ['internal', 500],
  ]
  setLevel('fatal')
  for (const [kind, status] of expected) {
    assert.equal(STATUS_BY_KIND[kind], status)
    assert.deepEqual(errorResult(new BerthError(kind, `boom ${kind}`)), { status, json: { message: `boom ${kind}` } })
  }
})

test('not-modified is a bodiless 304', () => {
  assert.deepEqual(errorResult(new BerthError('not-modified', 'container already started')), { status: 304, empty: true })
})

test('anything else is a 500 with its message', () => {
  setLevel('fatal')
  assert.deepEqual(errorResult(new TypeError('x is undefined')), { status: 500, json: { message: 'x is undefined' } })
  assert.deepEqual(errorResult('plain string'), { status: 500, json: { message: 'plain string' } })
})

test('clients below API 1.24 get plain-text errors, as from dockerd', () => {
  assert.deepEqual(errorResult(new BerthError('invalid', 'client version 1.10 is too old'), { version: '1.10' }), {
    status: 400,
    text: 'client version 1.10 is too old\n',
    headers: { 'X-Content-Type-Options': 'nosniff' },
  })
  assert.deepEqual(errorResult(new BerthError('invalid', 'bad'), { version: '1.24' }), { status: 400, json: { message: 'bad' } })
})
