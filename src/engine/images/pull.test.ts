import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseReference } from '../../lib/reference.js'
import { RegistryError } from '../../registry/errors.js'
import { isNameOnly, pullReference, translatePullError } from './pull.js'

const D = 'sha256:' + 'ab'.repeat(32)

test('pullReference: fromImage with the tag parameter as a tag or a digest; no tag at all is --all-tags', () => {
  assert.deepEqual(pullReference('busybox', 'musl'), { domain: 'docker.io', path: 'library/busybox', tag: 'musl' })
  assert.deepEqual(pullReference('127.0.0.1:5000/x/app', D), { domain: '127.0.0.1:5000', path: 'x/app', digest: D })
  assert.deepEqual(pullReference('x/app:1'), { domain: 'docker.io', path: 'x/app', tag: '1' })
  assert.deepEqual(pullReference('x/app:1', '2'), { domain: 'docker.io', path: 'x/app', tag: '2' })
  // the repository alone, for --all-tags; old clients sent `name:`
  assert.deepEqual(pullReference('x/app'), { domain: 'docker.io', path: 'x/app' })
  assert.deepEqual(pullReference('127.0.0.1:5000/x/app:'), { domain: '127.0.0.1:5000', path: 'x/app' })
  assert.equal(isNameOnly(pullReference('x/app')), true)
  assert.equal(isNameOnly(pullReference('x/app', 'latest')), false)
  assert.equal(isNameOnly(pullReference('x/app', D)), false)
  assert.throws(() => pullReference('X/App', 'latest'), /invalid reference format/)
  assert.throws(() => pullReference('x/app', 'bad tag'), /invalid reference format/)
})

test("translatePullError: moby's texts for unknown manifests, repositories and refusals", () => {
  const ref = parseReference('busybox:nope')
  const err = (code: string, message: string, status = 404) => new RegistryError(status === 404 ? 'not-found' : 'forbidden', `${code.toLowerCase().replaceAll('_', ' ')}: ${message}`, code, status)
  const msg = (e: unknown) => (e as Error).message
  assert.equal(msg(translatePullError(err('MANIFEST_UNKNOWN', 'manifest unknown'), ref)), 'manifest for busybox:nope not found: manifest unknown: manifest unknown')
  assert.equal(msg(translatePullError(err('NAME_UNKNOWN', 'repository name not known to registry'), ref)), 'repository busybox not found: name unknown: repository name not known to registry')
  assert.equal(msg(translatePullError(err('DENIED', 'requested access to the resource is denied', 403), ref)),
    "pull access denied for busybox, repository does not exist or may require 'docker login': denied: requested access to the resource is denied")
  // moby passes an UNAUTHORIZED on as is: errdefs.Unauthorized, a 401
  const refused = new RegistryError('unauthorized', 'unauthorized: authentication required', 'UNAUTHORIZED', 401)
  assert.equal(translatePullError(refused, ref), refused)
  const own = new RegistryError('internal', 'Get "http://r/v2/x/manifests/1": no basic auth credentials', 'UNAUTHORIZED', 401)
  assert.equal(translatePullError(own, ref), own)
  const other = new Error('boom')
  assert.equal(translatePullError(other, ref), other)
})
