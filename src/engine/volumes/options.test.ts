import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { checkDriver, checkOptions, checkVolumeName, volumeMount } from './options.js'

const kindOf = (fn: () => void): [string, string] => {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof BerthError)
    return [e.kind, e.message]
  }
  return ['ok', '']
}

test('volume names follow Docker: two or more of [a-zA-Z0-9_.-], starting alphanumeric', () => {
  for (const ok of ['data', 'my_vol.1', 'a-b', 'ab']) assert.deepEqual(kindOf(() => checkVolumeName(ok)), ['ok', ''])
  for (const bad of ['../x', 'a/b', '/abs', 'a', '.hidden', '_x', 'a b', ''])
    assert.equal(kindOf(() => checkVolumeName(bad))[0], 'invalid', bad)
  assert.equal(
    kindOf(() => checkVolumeName('../x'))[1],
    'create ../x: "../x" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path',
  )
})

test('local driver options: type, device, o, with the ones each needs', () => {
  assert.deepEqual(kindOf(() => checkOptions('v', {})), ['ok', ''])
  assert.deepEqual(kindOf(() => checkOptions('v', { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' })), ['ok', ''])
  assert.deepEqual(kindOf(() => checkOptions('v', { foo: 'bar' })), ['invalid', 'create v: invalid option: "foo"'])
  assert.deepEqual(kindOf(() => checkOptions('v', { type: 'tmpfs' })), ['invalid', 'create v: missing required option: "device"'])
  assert.deepEqual(kindOf(() => checkOptions('v', { device: 'tmpfs' })), ['invalid', 'create v: missing required option: "type"'])
  assert.equal(kindOf(() => checkOptions('v', { size: '1g' }))[0], 'invalid')
})

test('only the local driver exists: another is a missing plugin (404)', () => {
  assert.deepEqual(kindOf(() => checkDriver('v', 'local')), ['ok', ''])
  assert.deepEqual(kindOf(() => checkDriver('v', undefined)), ['ok', ''])
  assert.deepEqual(kindOf(() => checkDriver('v', 'nfs3')), ['not-found', 'create v: error looking up volume plugin nfs3: plugin "nfs3" not found'])
})

test('the mount of a device volume: flags out of o, the rest as data', () => {
  assert.equal(volumeMount({}, '/t'), undefined)
  assert.deepEqual(volumeMount({ type: 'tmpfs', device: 'tmpfs', o: 'size=10m,uid=1000,ro,nosuid,noexec' }, '/t'), {
    source: 'tmpfs', target: '/t', fstype: 'tmpfs', flags: 1 | 2 | 8, data: 'size=10m,uid=1000', propagation: 0,
  })
  assert.deepEqual(volumeMount({ type: 'none', device: '/srv/x', o: 'bind' }, '/t'), {
    source: '/srv/x', target: '/t', fstype: 'none', flags: 4096, data: '', propagation: 0,
  })
  const m = volumeMount({ type: 'none', device: '/srv/x', o: 'rbind,ro,rw,rprivate' }, '/t')!
  assert.equal(m.flags, 4096 | 16384)
  assert.equal(m.propagation, (1 << 18) | 16384)
})
