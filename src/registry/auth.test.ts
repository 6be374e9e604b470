import { test } from 'node:test'
import assert from 'node:assert/strict'
import { basicHeader, decodeAuthHeader, encodeAuthHeader, parseChallenges, TokenCache } from './auth.js'

test('decodeAuthHeader: base64url and base64 JSON, the auth field, empty means anonymous, garbage is a 400', () => {
  assert.equal(decodeAuthHeader(undefined), undefined)
  assert.equal(decodeAuthHeader(''), undefined)
  assert.equal(decodeAuthHeader(Buffer.from('{}').toString('base64')), undefined)
  const creds = { username: 'u', password: 'p?>~', serveraddress: 'r:5000' }
  assert.deepEqual(decodeAuthHeader(encodeAuthHeader(creds)), creds)
  assert.deepEqual(decodeAuthHeader(Buffer.from(JSON.stringify(creds)).toString('base64')), creds)
  assert.deepEqual(decodeAuthHeader(encodeAuthHeader({ auth: Buffer.from('me:se:cret').toString('base64') })), {
    auth: Buffer.from('me:se:cret').toString('base64'), username: 'me', password: 'se:cret',
  })
  assert.deepEqual(decodeAuthHeader(encodeAuthHeader({ identitytoken: 'tok', username: '' })), { identitytoken: 'tok' })
  assert.throws(() => decodeAuthHeader('!!notjson'), (e: Error & { kind?: string }) => e.kind === 'invalid')
  assert.equal(basicHeader({ username: 'a', password: 'b' }), `Basic ${Buffer.from('a:b').toString('base64')}`)
})

test('parseChallenges: quoted and bare params, several challenges in one joined header', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull,push"'), [
    { scheme: 'bearer', params: { realm: 'https://auth.example/token', service: 'registry.example', scope: 'repository:a/b:pull,push' } },
  ])
  assert.deepEqual(parseChallenges(['Basic realm="Registry Realm"']), [{ scheme: 'basic', params: { realm: 'Registry Realm' } }])
  assert.deepEqual(parseChallenges('Basic realm=x, Bearer realm="r",service=s').map((c) => c.scheme), ['basic', 'bearer'])
  assert.deepEqual(parseChallenges(undefined), [])
})

test('TokenCache: entries expire with ten seconds of slack', () => {
  const c = new TokenCache()
  const k = TokenCache.key('r', 's', 'repository:a:pull', 'who')
  c.set(k, 'tok', 60, 1000)
  assert.equal(c.get(k, 1000 + 49_000), 'tok')
  assert.equal(c.get(k, 1000 + 50_000), undefined)
  c.set(k, 'short', 5, 0)
  assert.equal(c.get(k, 999), 'short')
  assert.equal(c.get(k, 1000), undefined)
})
