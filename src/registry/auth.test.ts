import { test } from 'node:test'
import assert from 'node:assert/strict'
import { basicHeader, decodeAuthHeader, encodeAuthHeader, parseChallenges, pickChallenge, TokenCache } from './auth.js'

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

test('parseChallenges: any scheme starts a challenge; quoted commas and escapes stay in their value', () => {
  assert.deepEqual(parseChallenges('Bearer realm="https://auth/token",service="reg", Custom realm="other", Basic realm="a, Basic b"'), [
    { scheme: 'bearer', params: { realm: 'https://auth/token', service: 'reg' } },
    { scheme: 'custom', params: { realm: 'other' } },
    { scheme: 'basic', params: { realm: 'a, Basic b' } },
  ])
  assert.deepEqual(parseChallenges('Newauth abc123==, Bearer realm="say \\"hi\\"" , error=insufficient_scope'), [
    { scheme: 'newauth', params: {} },
    { scheme: 'bearer', params: { realm: 'say "hi"', error: 'insufficient_scope' } },
  ])
  assert.deepEqual(parseChallenges(['Basic realm=x', 'Bearer realm=y']).map((c) => c.scheme), ['basic', 'bearer'])
})

test('pickChallenge: Bearer, then Basic, whatever the order offered', () => {
  assert.equal(pickChallenge(parseChallenges('Basic realm=x, Bearer realm=y'))!.scheme, 'bearer')
  assert.equal(pickChallenge(parseChallenges('Negotiate, Basic realm=x'))!.scheme, 'basic')
  assert.equal(pickChallenge([]), undefined)
})

test('TokenCache: expired entries are dropped as new ones come', () => {
  const c = new TokenCache()
  c.set('old', 'a', 20, 0)
  c.set('new', 'b', 60, 20_000)
  assert.equal((c as unknown as { tokens: Map<string, unknown> }).tokens.has('old'), false)
  assert.equal(c.get('new', 20_000), 'b')
})
