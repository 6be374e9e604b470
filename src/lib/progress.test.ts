import assert from 'node:assert/strict'
import { test } from 'node:test'
import { progressText, progressThrottle } from './progress.js'

// Expected strings are what moby's JSONProgress.String() prints for the same values (Go run by
// hand: 50-cell bar above width 110, go-units HumanSize, current right-aligned to 8).
test('progressText matches moby JSONProgress.String()', () => {
  const bar = (n: number) => `[${'='.repeat(n)}>${' '.repeat(50 - n)}] `
  assert.equal(progressText({ current: 1234567, total: 3456789 }), `${bar(17)} 1.235MB/3.457MB`)
  assert.equal(progressText({ current: 1234567, total: 3456789 }, 80), ' 1.235MB/3.457MB')
  assert.equal(progressText({ current: 3456789, total: 3456789 }), `${bar(50)} 3.457MB/3.457MB`)
  assert.equal(progressText({ current: 1, total: 32 * 1024 * 1024 }), `${bar(0)}      1B/33.55MB`)
  assert.equal(progressText({ current: 5000, total: 4000 }), `${bar(50)}     5kB`)
  assert.equal(progressText({ current: 512 }), '    512B')
  assert.equal(progressText({}), '')
  assert.equal(progressText({ current: 0, total: 0 }), '')
  assert.equal(progressText({ current: 2, total: 5, units: 'layers' }), `${bar(20)}2/5 layers`)
  assert.equal(progressText({ current: 2, total: 5, hidecounts: true }), bar(20))
})

test('progressThrottle: first and final pass, others once per interval per id', () => {
  let t = 1000
  const may = progressThrottle(100, () => t)
  assert.equal(may('a', false), true)
  assert.equal(may('b', false), true)
  t += 50
  assert.equal(may('a', false), false)
  assert.equal(may('a', true), true)
  t += 60
  assert.equal(may('b', false), true)
  assert.equal(may('b', false), false)
  t += 100
  assert.equal(may('b', false), true)
})
