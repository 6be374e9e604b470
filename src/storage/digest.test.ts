import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chainIds, sha256 } from './digest.js'

test('chain IDs follow the OCI definition', () => {
  const a = sha256('a')
  const b = sha256('b')
  const c = sha256('c')
  const ids = chainIds([a, b, c])
  assert.equal(ids[0], a)
  assert.equal(ids[1], sha256(`${a} ${b}`))
  assert.equal(ids[2], sha256(`${ids[1]} ${c}`))
  assert.deepEqual(chainIds([]), [])
})
