import { test } from 'node:test'
import assert from 'node:assert/strict'
import { serializeSpec } from './serialize.js'
import { RLIM_INFINITY, type OciSpec } from './types.js'

const spec = {
  ociVersion: '1.0.2-dev',
  process: { args: ['sh', '-c', 'echo "\u0000bigint:5"'], rlimits: [{ type: 'RLIMIT_CORE', hard: RLIM_INFINITY, soft: 0 }] },
  linux: { seccomp: { syscalls: [{ names: ['x'], action: 'A', args: [{ index: 0, value: 18446744073709551614n, op: 'SCMP_CMP_EQ' }] }] } },
} as unknown as OciSpec

test('RLIM_INFINITY is written as the exact uint64 literal', () => {
  const text = serializeSpec(spec)
  assert.match(text, /"hard": 18446744073709551615,/)
  assert.match(text, /"value": 18446744073709551614,/)
  assert.ok(!text.includes('18446744073709552000'))
})

test('strings that look like the marker are left alone', () => {
  const back = JSON.parse(serializeSpec(spec))
  assert.equal(back.process.args[2], 'echo "\u0000bigint:5"')
  assert.equal(back.ociVersion, '1.0.2-dev')
})

test('parseJson keeps RLIM_INFINITY exact and toJson writes it back as a literal', async () => {
  const { parseJson, toJson } = await import('./serialize.js')
  const text = '{"rlimits":[{"type":"RLIMIT_CORE","hard":18446744073709551615,"soft":1024}],"n":12345}'
  const v = parseJson(text) as { rlimits: Array<{ hard: unknown; soft: unknown }>; n: number }
  assert.equal(v.rlimits[0]!.hard, 18446744073709551615n)
  assert.equal(v.rlimits[0]!.soft, 1024)
  assert.equal(toJson(v), text)
})
