import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { DEFAULT_CAPS } from './capabilities.js'
import { convertSeccompProfile, kernelAtLeast, nativeArch } from './seccomp.js'

// A small moby-format profile exercising every condition.
const profile = {
  defaultAction: 'SCMP_ACT_ERRNO',
  defaultErrnoRet: 1,
  archMap: [
    { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
    { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
  ],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW', args: [], comment: '', includes: {}, excludes: {} },
    { names: ['personality'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: 8, valueTwo: 0, op: 'SCMP_CMP_EQ' }] },
    { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64', 'x32'] } },
    { names: ['arm_fadvise64_64'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm', 'arm64'] } },
    { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_PTRACE'] } },
    { names: ['ptrace'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, errno: 'EPERM', excludes: { caps: ['CAP_SYS_PTRACE'] } },
    { names: ['new_thing'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '6.10' } },
    { names: ['future_thing'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '7.1' } },
    { names: ['old_compat'], action: 'SCMP_ACT_ERRNO', excludes: { minKernel: '5.4' } },
    { name: 'legacy', action: 'SCMP_ACT_ALLOW' },
  ],
}

const names = (s: ReturnType<typeof convertSeccompProfile>) => (s?.syscalls ?? []).map((r) => `${r.names.join(',')}:${r.action}`)
const host = { caps: DEFAULT_CAPS, arch: 'amd64', kernelRelease: '6.18.44-fc-v1045' }

test('architectures come from archMap for amd64; conditions are dropped', () => {
  const s = convertSeccompProfile(profile, host)!
  assert.equal(s.defaultAction, 'SCMP_ACT_ERRNO')
  assert.equal(s.defaultErrnoRet, 1)
  assert.deepEqual(s.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'])
  for (const r of s.syscalls!) {
    assert.deepEqual(Object.keys(r).filter((k) => !['names', 'action', 'errnoRet', 'args'].includes(k)), [])
  }
})

test('rules filtered by arch, caps and kernel; args kept', () => {
  const s = convertSeccompProfile(profile, host)!
  assert.deepEqual(names(s), [
    'read,write:SCMP_ACT_ALLOW', 'personality:SCMP_ACT_ALLOW', 'arch_prctl:SCMP_ACT_ALLOW',
    'ptrace:SCMP_ACT_ERRNO', 'new_thing:SCMP_ACT_ALLOW', 'legacy:SCMP_ACT_ALLOW',
  ])
  assert.deepEqual(s.syscalls![1].args, [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }])
  assert.equal(s.syscalls![0].args, undefined)
  assert.equal(s.syscalls![3].errnoRet, 1)
})

test('a cap-gated syscall flips with the capability', () => {
  const s = convertSeccompProfile(profile, { ...host, caps: [...DEFAULT_CAPS, 'CAP_SYS_PTRACE'] })!
  const ptrace = s.syscalls!.filter((r) => r.names.includes('ptrace'))
  assert.deepEqual(ptrace, [{ names: ['ptrace'], action: 'SCMP_ACT_ALLOW' }])
})

test('old kernel: minKernel includes drop out, excludes stay', () => {
  const s = convertSeccompProfile(profile, { ...host, kernelRelease: '5.3.0' })!
  assert.ok(!names(s).includes('new_thing:SCMP_ACT_ALLOW'))
  assert.ok(names(s).includes('old_compat:SCMP_ACT_ERRNO'))
})

test('arm64 picks its own archMap entry and rules', () => {
  const s = convertSeccompProfile(profile, { ...host, arch: 'arm64' })!
  assert.deepEqual(s.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'])
  assert.ok(names(s).includes('arm_fadvise64_64:SCMP_ACT_ALLOW'))
  assert.ok(!names(s).includes('arch_prctl:SCMP_ACT_ALLOW'))
})

test('plain OCI architectures pass through; both forms are refused', () => {
  const s = convertSeccompProfile({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] }, host)!
  assert.deepEqual(s, { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [] })
  assert.throws(() => convertSeccompProfile({ ...profile, architectures: ['SCMP_ARCH_X86'] }, host), BerthError)
})

test('empty profile means no seccomp; malformed ones are invalid', () => {
  assert.equal(convertSeccompProfile({}, host), undefined)
  for (const bad of [null, [], 'x', { defaultAction: 1 }, { defaultAction: 'A', syscalls: [{ action: 'X' }] },
    { defaultAction: 'A', syscalls: [{ name: 'a', names: ['b'], action: 'X' }] },
    { defaultAction: 'A', syscalls: [{ names: ['a'], action: 'X', includes: { minKernel: '6' } }] }]) {
    assert.throws(() => convertSeccompProfile(bad, host), (e: unknown) => e instanceof BerthError && e.kind === 'invalid', JSON.stringify(bad))
  }
})

test('kernelAtLeast compares kernel and major only', () => {
  assert.equal(kernelAtLeast('6.18.44-fc', '6.18'), true)
  assert.equal(kernelAtLeast('6.18.44-fc', '6.19'), false)
  assert.equal(kernelAtLeast('6.1', '5.99'), true)
  assert.equal(kernelAtLeast(undefined, '9.9'), true)
  assert.equal(nativeArch('x64'), 'amd64')
})
