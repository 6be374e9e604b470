import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { rlimitsFor } from './rlimits.js'
import { RLIM_INFINITY } from './types.js'

// This machine: nofile hard 20000, memlock 8 MiB, core unlimited.
const HARD = { nofile: 20000, nproc: 96362, memlock: 8388608, core: 'unlimited', stack: 'unlimited' } as const

test('no ulimits → no rlimits (the daemon’s are inherited)', () => {
  assert.deepEqual(rlimitsFor([], HARD), [])
})

test('Docker names map to RLIMIT types; -1 is RLIM_INFINITY', () => {
  assert.deepEqual(rlimitsFor([{ name: 'nofile', soft: 1024, hard: 20000 }, { name: 'nproc', soft: 3, hard: 3 }, { name: 'core', soft: -1, hard: -1 }], HARD), [
    { type: 'RLIMIT_NOFILE', soft: 1024, hard: 20000 },
    { type: 'RLIMIT_NPROC', soft: 3, hard: 3 },
    { type: 'RLIMIT_CORE', soft: RLIM_INFINITY, hard: RLIM_INFINITY },
  ])
})

const bad: Array<[string, Array<{ name: string; soft: number; hard: number }>, RegExp]> = [
  ['hard above the machine maximum', [{ name: 'nofile', soft: 1048576, hard: 1048576 }], /^ulimit nofile: hard limit 1048576 exceeds this machine's maximum of 20000/],
  ['unlimited where the machine has a limit', [{ name: 'memlock', soft: -1, hard: -1 }], /^ulimit memlock: hard limit unlimited exceeds this machine's maximum of 8388608/],
  ['soft above hard', [{ name: 'nofile', soft: 200, hard: 100 }], /^ulimit soft limit must be less than or equal to hard limit: 200 > 100$/],
  ['unknown name', [{ name: 'files', soft: 1, hard: 1 }], /^invalid ulimit type: files$/],
  ['duplicate', [{ name: 'nproc', soft: 1, hard: 1 }, { name: 'nproc', soft: 2, hard: 2 }], /more than once/],
]
for (const [name, ulimits, message] of bad) {
  test(`refused: ${name}`, () => {
    assert.throws(() => rlimitsFor(ulimits, HARD), (e: unknown) => e instanceof BerthError && e.kind === 'invalid' && message.test(e.message))
  })
}

test('unlimited where the machine is unlimited is fine', () => {
  assert.deepEqual(rlimitsFor([{ name: 'stack', soft: 8388608, hard: -1 }], HARD), [{ type: 'RLIMIT_STACK', soft: 8388608, hard: RLIM_INFINITY }])
})
