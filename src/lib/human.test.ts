import { test } from 'node:test'
import assert from 'node:assert/strict'
import { humanDuration, humanSize } from './human.js'

test('humanDuration matches go-units', () => {
  const cases: Array<[number, string]> = [
    [500, 'Less than a second'],
    [1000, '1 second'],
    [5000, '5 seconds'],
    [65_000, 'About a minute'],
    [5 * 60_000, '5 minutes'],
    [65 * 60_000, 'About an hour'],
    [3 * 3600_000, '3 hours'],
    [3 * 86400_000, '3 days'],
    [21 * 86400_000, '3 weeks'],
    [90 * 86400_000, '3 months'],
    [800 * 86400_000, '2 years'],
  ]
  for (const [ms, want] of cases) assert.equal(humanDuration(ms), want, `${ms}`)
})

test('humanSize uses decimal units with three significant digits', () => {
  assert.equal(humanSize(0), '0B')
  assert.equal(humanSize(999), '999B')
  assert.equal(humanSize(4_260_000), '4.26MB')
  assert.equal(humanSize(1_234_567_890), '1.23GB')
  assert.equal(humanSize(1500), '1.5kB')
})
