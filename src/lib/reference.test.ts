import { test } from 'node:test'
import assert from 'node:assert/strict'
import { familiarOf, familiarString, formatReference, normalizeReference, parseReference } from './reference.js'

const D = 'sha256:' + 'a'.repeat(64)

test('normalises references as Docker does', () => {
  const cases: Array<[string, string, string]> = [
    ['busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['busybox:1.36', 'docker.io/library/busybox:1.36', 'busybox:1.36'],
    ['library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['docker.io/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['index.docker.io/library/busybox', 'docker.io/library/busybox:latest', 'busybox:latest'],
    ['user/app:v1', 'docker.io/user/app:v1', 'user/app:v1'],
    ['fx-whiteouts:1', 'docker.io/library/fx-whiteouts:1', 'fx-whiteouts:1'],
    ['localhost/x', 'localhost/x:latest', 'localhost/x:latest'],
    ['localhost:5000/x', 'localhost:5000/x:latest', 'localhost:5000/x:latest'],
    ['quay.io/a/b/c:t', 'quay.io/a/b/c:t', 'quay.io/a/b/c:t'],
    [`busybox@${D}`, `docker.io/library/busybox@${D}`, `busybox@${D}`],
    [`busybox:1@${D}`, `docker.io/library/busybox:1@${D}`, `busybox:1@${D}`],
    ['a__b.c-d---e', 'docker.io/library/a__b.c-d---e:latest', 'a__b.c-d---e:latest'],
  ]
  for (const [input, full, familiar] of cases) {
    const ref = normalizeReference(input)
    assert.equal(formatReference(ref), full, input)
    assert.equal(familiarString(ref), familiar, input)
    assert.equal(familiarOf(full), familiar, input)
  }
})

test('parseReference keeps an absent tag absent', () => {
  assert.deepEqual(parseReference('busybox'), { domain: 'docker.io', path: 'library/busybox' })
})

test('rejects invalid references with Docker text', () => {
  const cases: Array<[string, string]> = [
    ['Busybox', 'invalid reference format: repository name (library/Busybox) must be lowercase'],
    ['docker.io/User/app', 'invalid reference format: repository name (User/app) must be lowercase'],
    ['', 'invalid reference format'],
    ['busy box', 'invalid reference format'],
    ['busybox:', 'invalid reference format'],
    ['busybox:-x', 'invalid reference format'],
    ['-busybox', 'invalid reference format'],
    ['a//b', 'invalid reference format'],
    ['busybox@sha256:abc', 'invalid reference format'],
    ['a'.repeat(64), `invalid repository name (${'a'.repeat(64)}), cannot specify 64-byte hexadecimal strings`],
    ['busybox:' + 'x'.repeat(129), 'invalid reference format'],
  ]
  for (const [input, message] of cases) {
    assert.throws(() => parseReference(input), (e: Error & { kind?: string }) => {
      assert.equal(e.message, message, JSON.stringify(input))
      assert.equal(e.kind, 'invalid')
      return true
    })
  }
})
