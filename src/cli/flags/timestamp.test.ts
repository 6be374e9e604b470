import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseGoDuration, parseTimestamp } from './timestamp.js'

test('timestamps are sent as docker sends them', () => {
  assert.equal(parseTimestamp('2024-01-01T00:00:00Z', 0), '1704067200.000000000')
  assert.equal(parseTimestamp('1700000000', 0), '1700000000')
  assert.equal(parseTimestamp('0', 1_000_000_000), '0')
  assert.equal(parseTimestamp('10m', 1_000_000_000), '999400.000000000')
  assert.equal(parseTimestamp('2024-01-01T00:00:00.5+01:00', 0), '1704063600.500000000')
})

test('Go durations', () => {
  assert.equal(parseGoDuration('1h30m'), 5_400_000)
  assert.equal(parseGoDuration('1.5s'), 1500)
  assert.equal(parseGoDuration('abc'), undefined)
})
