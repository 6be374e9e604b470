import { test } from 'node:test'
import assert from 'node:assert/strict'
import { checkTagRefs } from './tag.js'

test('tag checks both names before asking the daemon, with the docker CLI texts', () => {
  assert.doesNotThrow(() => checkTagRefs('busybox', 'registry.example:5000/team/x:1'))
  assert.doesNotThrow(() => checkTagRefs('a'.repeat(64), 'x'))
  assert.throws(() => checkTagRefs('busybox', 'Bad'), {
    message: 'Error parsing reference: "Bad" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase',
  })
  assert.throws(() => checkTagRefs('x:', 'y'), { message: 'Error parsing reference: "x:" is not a valid repository/tag: invalid reference format' })
  assert.throws(() => checkTagRefs('busybox', `x@sha256:${'a'.repeat(64)}`), { message: 'refusing to create a tag with a digest reference' })
})
