import assert from 'node:assert/strict'
import { test } from 'node:test'
import { csvFields, stringSlice } from './string-slice.js'

test('StringSlice values are CSV records, concatenated', () => {
  assert.deepEqual(stringSlice(['a,b', 'c', '']), ['a', 'b', 'c'])
  assert.deepEqual(csvFields('"x,y",z'), ['x,y', 'z'])
  assert.deepEqual(csvFields('"say ""hi"""'), ['say "hi"'])
  assert.deepEqual(csvFields('a,'), ['a', ''])
  assert.throws(() => csvFields('a"b'), { message: 'parse error on line 1, column 2: bare " in non-quoted-field' })
  assert.throws(() => csvFields('"ab'), /extraneous or missing " in quoted-field/)
})
