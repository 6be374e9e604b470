import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseChallenges } from './auth.js'
import { fromResponse, tokenRefusal } from './errors.js'

// docker-registry's answer to a token without the scope it needs (captured from distribution 2.8)
const INSUFFICIENT = 'Bearer realm="http://127.0.0.1:9/token",service="reg",scope="repository:x/p:pull",error="insufficient_scope"'
const UNAUTHORIZED_BODY = '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required","detail":[]}]}'

test('a bearer challenge\'s OAuth error outranks the body, as in Docker\'s client', () => {
  const denied = fromResponse(401, UNAUTHORIZED_BODY, 'GET /v2/x/p/manifests/1', parseChallenges(INSUFFICIENT))
  assert.equal(denied.code, 'DENIED')
  assert.equal(denied.message, 'denied: requested access to the resource is denied')
  assert.equal(denied.kind, 'forbidden')
  const invalid = fromResponse(401, '', 'x', parseChallenges('Bearer realm="r",error="invalid_token",error_description="token expired"'))
  assert.equal(invalid.code, 'UNAUTHORIZED')
  assert.equal(invalid.message, 'unauthorized: token expired')
  assert.equal(invalid.kind, 'unauthorized')
})

test('a 401 without an OAuth error is the body\'s error, of kind unauthorized', () => {
  const e = fromResponse(401, UNAUTHORIZED_BODY, 'x', parseChallenges('Basic realm="r"'))
  assert.equal(e.code, 'UNAUTHORIZED')
  assert.equal(e.message, 'unauthorized: authentication required')
  assert.equal(e.kind, 'unauthorized')
  assert.equal(fromResponse(401, '', 'x').kind, 'unauthorized')
  assert.equal(fromResponse(403, '{"errors":[{"code":"DENIED","message":"no"}]}', 'x').kind, 'forbidden')
})

test('token server refusals: details first, 401 is unauthorized, 403 is denied', () => {
  const wrong = tokenRefusal(401, '{"errors":[{"code":"UNAUTHORIZED","message":"authentication required"}],"details":"incorrect username or password"}', 'Get "http://r/v2/"')
  assert.equal(wrong.message, 'Get "http://r/v2/": unauthorized: incorrect username or password')
  assert.equal(wrong.kind, 'unauthorized')
  const plain = tokenRefusal(401, 'nope', 'Get "http://r/v2/"')
  assert.equal(plain.message, 'Get "http://r/v2/": unauthorized: authentication required')
  const forbidden = tokenRefusal(403, '{"details":"account locked"}', 'Get "http://r/v2/"')
  assert.equal(forbidden.message, 'Get "http://r/v2/": denied: account locked')
  assert.equal(forbidden.kind, 'forbidden')
})

test('a refusal without a JSON error gets the code Docker\'s client gives its status', () => {
  const denied = fromResponse(403, 'Forbidden by policy\n', 'GET /v2/x/manifests/1')
  assert.equal(denied.code, 'DENIED')
  assert.equal(denied.message, 'denied: Forbidden by policy')
  assert.equal(fromResponse(403, '', 'x').message, 'denied: requested access to the resource is denied')
  assert.equal(fromResponse(401, '', 'x').message, 'unauthorized: authentication required')
  assert.equal(fromResponse(429, '', 'x').code, 'TOOMANYREQUESTS')
  assert.equal(fromResponse(500, 'oops', 'GET /v2/').message, 'GET /v2/: unexpected status from registry: 500 oops')
})
