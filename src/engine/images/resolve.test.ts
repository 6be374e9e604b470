import { test } from 'node:test'
import assert from 'node:assert/strict'
import { noSuchImageMessage } from './resolve.js'

test("not-found text as moby writes it: default tag added, full IDs with sha256:", () => {
  const hex = 'a'.repeat(64)
  assert.equal(noSuchImageMessage('nope'), 'No such image: nope:latest')
  assert.equal(noSuchImageMessage('docker.io/library/nope'), 'No such image: nope:latest')
  assert.equal(noSuchImageMessage('x/y:1'), 'No such image: x/y:1')
  assert.equal(noSuchImageMessage('f2a96eb3a9a6'), 'No such image: f2a96eb3a9a6:latest')
  assert.equal(noSuchImageMessage('sha256:0123'), 'No such image: sha256:0123')
  assert.equal(noSuchImageMessage(hex), `No such image: sha256:${hex}`)
  assert.equal(noSuchImageMessage(`sha256:${hex}`), `No such image: sha256:${hex}`)
  assert.equal(noSuchImageMessage(`x@sha256:${hex}`), `No such image: x@sha256:${hex}`)
  assert.equal(noSuchImageMessage('Bad'), 'No such image: Bad')
})
