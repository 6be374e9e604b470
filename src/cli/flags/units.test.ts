import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parsePublish } from './publish.js'
import { nanoCpus, parseDetachKeys, parseRestartPolicy, parseUlimit, ramInBytes } from './units.js'

test('sizes follow go-units RAMInBytes', () => {
  assert.equal(ramInBytes('32m'), 32 * 1024 * 1024)
  assert.equal(ramInBytes('1.5g'), 1.5 * 1024 ** 3)
  assert.equal(ramInBytes('64MiB'), 64 * 1024 * 1024)
  assert.equal(ramInBytes('100'), 100)
  assert.throws(() => ramInBytes('1q'), /invalid suffix: 'q'/)
  assert.throws(() => ramInBytes('abc'), /invalid size: 'abc'/)
})

test('--cpus, --ulimit, --restart, detach keys', () => {
  assert.equal(nanoCpus('1.5'), 1_500_000_000)
  assert.throws(() => nanoCpus('abc'), /failed to parse abc as a rational number/)
  assert.deepEqual(parseUlimit('nofile=1024:2048'), { Name: 'nofile', Hard: 2048, Soft: 1024 })
  assert.deepEqual(parseUlimit('nproc=3'), { Name: 'nproc', Hard: 3, Soft: 3 })
  assert.throws(() => parseUlimit('bogus=1'), /invalid ulimit type: bogus/)
  assert.deepEqual(parseRestartPolicy('on-failure:3'), { Name: 'on-failure', MaximumRetryCount: 3 })
  assert.throws(() => parseRestartPolicy('always:3'), /maximum retry count can only be used with 'on-failure'/)
  assert.deepEqual(parseDetachKeys('ctrl-p,ctrl-q'), [16, 17])
})

test('publish ranges and addresses', () => {
  const r = parsePublish(['8000-8001:80-81', '[::1]:53:53/udp', '9000'])
  assert.deepEqual(r.bindings, {
    '80/tcp': [{ HostIp: '', HostPort: '8000' }],
    '81/tcp': [{ HostIp: '', HostPort: '8001' }],
    '53/udp': [{ HostIp: '::1', HostPort: '53' }],
    '9000/tcp': [{ HostIp: '', HostPort: '' }],
  })
})
