import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ellipsis, formatG, humanDuration, humanSize, truncateId } from './human.js'
import { tabwrite } from './tabwriter.js'

test('humanDuration matches go-units', () => {
  const s = 1000
  assert.equal(humanDuration(500), 'Less than a second')
  assert.equal(humanDuration(1 * s), '1 second')
  assert.equal(humanDuration(5 * s), '5 seconds')
  assert.equal(humanDuration(59 * s), '59 seconds')
  assert.equal(humanDuration(60 * s), 'About a minute')
  assert.equal(humanDuration(119 * s), 'About a minute')
  assert.equal(humanDuration(120 * s), '2 minutes')
  assert.equal(humanDuration(59 * 60 * s), '59 minutes')
  assert.equal(humanDuration(60 * 60 * s), 'About an hour')
  assert.equal(humanDuration(89 * 60 * s), 'About an hour')
  assert.equal(humanDuration(90 * 60 * s), '2 hours')
  assert.equal(humanDuration(47 * 3600 * s), '47 hours')
  assert.equal(humanDuration(48 * 3600 * s), '2 days')
  assert.equal(humanDuration(14 * 24 * 3600 * s), '2 weeks')
  assert.equal(humanDuration(60 * 24 * 3600 * s), '2 months')
  assert.equal(humanDuration(2 * 365 * 24 * 3600 * s), '2 years')
})

test('humanSize matches go-units HumanSizeWithPrecision(x, 3)', () => {
  assert.equal(humanSize(0), '0B')
  assert.equal(humanSize(999), '999B')
  assert.equal(humanSize(1000), '1kB')
  assert.equal(humanSize(1234), '1.23kB')
  assert.equal(humanSize(4261234), '4.26MB')
  assert.equal(humanSize(999_999), '1e+03kB')
  assert.equal(humanSize(12_345_678), '12.3MB')
  assert.equal(humanSize(123_456_789), '123MB')
  assert.equal(humanSize(1.5e9), '1.5GB')
})

test('formatG follows Go %g', () => {
  assert.equal(formatG(0.0001234, 3), '0.000123')
  assert.equal(formatG(0.00001234, 3), '1.23e-05')
  assert.equal(formatG(100, 3), '100')
  assert.equal(formatG(4.2, 4), '4.2')
})

test('truncateId and ellipsis', () => {
  assert.equal(truncateId('sha256:0123456789abcdef0123'), '0123456789ab')
  assert.equal(truncateId('0123456789abcdef'), '0123456789ab')
  assert.equal(ellipsis('sh -c "while true; do sleep 1; done"', 20), 'sh -c "while true; …')
  assert.equal(ellipsis('short', 20), 'short')
})

test('tabwrite pads columns like docker (min 10, padding 3)', () => {
  const out = tabwrite('CONTAINER ID\tIMAGE\tNAMES\n0123456789ab\tbusybox\tweb\n')
  assert.equal(out, 'CONTAINER ID   IMAGE     NAMES\n0123456789ab   busybox   web\n')
})

test('tabwrite keeps an empty last cell and aligns non-ASCII by characters', () => {
  const out = tabwrite('A\tB\n…x\t\n')
  assert.equal(out, 'A         B\n…x        \n')
})
