import assert from 'node:assert/strict'
import { test } from 'node:test'
import { BerthError } from '../lib/errors.js'
import { atLeast, checkApiVersion, compareVersions, splitVersionPrefix } from './version.js'

test('compareVersions is numeric per part', () => {
  assert.equal(compareVersions('1.9', '1.10'), -1)
  assert.equal(compareVersions('1.47', '1.47'), 0)
  assert.equal(compareVersions('1.47', '1.4'), 1)
  assert.equal(compareVersions('1.40', '1.4.0'), 1)
  assert.equal(compareVersions('2', '1.99'), 1)
})

test('atLeast', () => {
  assert.equal(atLeast('1.44', '1.44'), true)
  assert.equal(atLeast('1.43', '1.44'), false)
  assert.equal(atLeast('1.47', '1.44'), true)
})

test('splitVersionPrefix', () => {
  assert.deepEqual(splitVersionPrefix('/v1.41/containers/json'), { version: '1.41', path: '/containers/json' })
  assert.deepEqual(splitVersionPrefix('/containers/json'), { path: '/containers/json' })
  assert.deepEqual(splitVersionPrefix('/v1.47/_ping'), { version: '1.47', path: '/_ping' })
  assert.deepEqual(splitVersionPrefix('/volumes/v1.41'), { path: '/volumes/v1.41' })
  assert.deepEqual(splitVersionPrefix('/v1.41'), { path: '/v1.41' })
})

test('checkApiVersion gives Docker\'s messages', () => {
  assert.doesNotThrow(() => checkApiVersion('1.24'))
  assert.doesNotThrow(() => checkApiVersion('1.47'))
  assert.throws(() => checkApiVersion('1.48'), (e: unknown) => {
    assert.ok(e instanceof BerthError)
    assert.equal(e.kind, 'invalid')
    assert.equal(e.message, 'client version 1.48 is too new. Maximum supported API version is 1.47')
    return true
  })
  assert.throws(() => checkApiVersion('1.10'), {
    message: 'client version 1.10 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version',
  })
})
