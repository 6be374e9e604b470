import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { buildSpec, type SpecInput } from './build.js'
import { DEFAULT_CAPS, KNOWN_CAPS } from './capabilities.js'
import { DEFAULT_DEVICE_RULES } from './devices.js'
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from './mounts.js'
import type { OciMount, OciSpec } from './types.js'

const HOST_CAPS = KNOWN_CAPS.filter((c) => c !== 'CAP_SYS_RESOURCE')
const PROFILE = {
  defaultAction: 'SCMP_ACT_ERRNO',
  archMap: [{ architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] }],
  syscalls: [
    { names: ['read'], action: 'SCMP_ACT_ALLOW' },
    { names: ['chroot'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_CHROOT'] } },
  ],
}

function baseInput(over: Partial<SpecInput> = {}): SpecInput {
  return {
    id: 'c1',
    rootfs: '/var/lib/berth/c1/merged',
    readonlyRootfs: false,
    args: ['sh', '-c', 'id'],
    env: ['PATH=/bin'],
    cwd: '/',
    user: { uid: 0, gid: 0, additionalGids: [10] },
    terminal: false,
    hostname: 'c1',
    domainname: '',
    namespaces: {
      pid: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'private' },
      network: { mode: 'private' }, cgroup: { mode: 'host' }, user: { mode: 'host' },
    },
    etcFiles: { hostname: '/run/b/c1/hostname', hosts: '/run/b/c1/hosts', resolvConf: '/run/b/c1/resolv.conf' },
    shmSize: 64 * 1024 * 1024,
    privileged: false,
    capAdd: [],
    capDrop: [],
    boundingCaps: HOST_CAPS,
    seccomp: 'default',
    defaultSeccompProfile: PROFILE,
    kernelRelease: '6.18.44',
    noNewPrivileges: false,
    resources: {},
    ulimits: [],
    hardLimits: { nofile: 20000 },
    cgroupsPath: '/berth/c1',
    ...over,
  }
}

const mount = (s: OciSpec, dest: string): OciMount | undefined => s.mounts.find((m) => m.destination === dest)
const nsTypes = (s: OciSpec) => s.linux.namespaces.map((n) => (n.path ? `${n.type}=${n.path}` : n.type))

test('defaults look like Docker’s', () => {
  const s = buildSpec(baseInput())
  assert.equal(s.ociVersion, '1.0.2-dev')
  assert.deepEqual(s.process.user, { uid: 0, gid: 0, additionalGids: [0, 10] })
  assert.deepEqual(s.process.capabilities.bounding, [...DEFAULT_CAPS])
  assert.deepEqual(s.process.capabilities.effective, [...DEFAULT_CAPS])
  assert.deepEqual(s.process.capabilities.permitted, [...DEFAULT_CAPS])
  assert.equal(s.process.rlimits, undefined)
  assert.equal(s.process.noNewPrivileges, false)
  assert.equal(s.process.oomScoreAdj, 0)
  assert.equal(s.hostname, 'c1')
  assert.deepEqual(s.root, { path: '/var/lib/berth/c1/merged', readonly: false })
  assert.deepEqual(nsTypes(s), ['mount', 'network', 'uts', 'pid', 'ipc'])
  assert.deepEqual(s.linux.maskedPaths, DEFAULT_MASKED_PATHS)
  assert.deepEqual(s.linux.readonlyPaths, DEFAULT_READONLY_PATHS)
  assert.deepEqual(s.linux.resources, { devices: DEFAULT_DEVICE_RULES })
  assert.equal(s.linux.devices, undefined)
  assert.equal(s.linux.cgroupsPath, '/berth/c1')
  assert.deepEqual(s.linux.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' })
  assert.deepEqual(s.mounts.map((m) => m.destination), [
    '/proc', '/dev', '/dev/pts', '/sys', '/sys/fs/cgroup', '/dev/mqueue', '/dev/shm',
    '/etc/resolv.conf', '/etc/hostname', '/etc/hosts',
  ])
  assert.deepEqual(mount(s, '/dev/shm')!.options, ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=67108864'])
  assert.deepEqual(mount(s, '/sys')!.options, ['nosuid', 'noexec', 'nodev', 'ro'])
  assert.deepEqual(mount(s, '/sys/fs/cgroup')!.options, ['ro', 'nosuid', 'noexec', 'nodev'])
  assert.deepEqual(mount(s, '/etc/hosts'), { destination: '/etc/hosts', type: 'bind', source: '/run/b/c1/hosts', options: ['rbind', 'rprivate'] })
})

test('namespace modes: private, host, join, none', () => {
  const s = buildSpec(baseInput({
    hostname: '',
    namespaces: {
      pid: { mode: 'host' }, ipc: { mode: 'join', path: '/proc/42/ns/ipc' }, uts: { mode: 'host' },
      network: { mode: 'join', path: '/proc/42/ns/net' }, cgroup: { mode: 'private' }, user: { mode: 'host' },
    },
    hostShmPath: '/var/lib/berth/c0/shm',
  }))
  assert.deepEqual(nsTypes(s), ['mount', 'network=/proc/42/ns/net', 'ipc=/proc/42/ns/ipc', 'cgroup'])
  assert.equal(s.linux.sysctl, undefined) // not our netns to tune
  assert.deepEqual(mount(s, '/dev/shm'), { destination: '/dev/shm', type: 'bind', source: '/var/lib/berth/c0/shm', options: ['rbind', 'rprivate'] })
})

test('own sandbox netns joined by path keeps Docker’s sysctls; user sysctls win', () => {
  const s = buildSpec(baseInput({
    namespaces: { ...baseInput().namespaces, network: { mode: 'join', path: '/run/berth/netns/c1' } },
    isOwnNetns: true, sysctls: { 'net.ipv4.ip_unprivileged_port_start': '1024', 'net.core.somaxconn': '512' }, oomScoreAdj: 100,
  }))
  assert.deepEqual(s.linux.sysctl, {
    'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '1024', 'net.core.somaxconn': '512',
  })
  assert.equal(s.process.oomScoreAdj, 100)
})

test('network none is a private netns, ipc none has no /dev/shm', () => {
  const s = buildSpec(baseInput({ namespaces: { ...baseInput().namespaces, network: { mode: 'none' }, ipc: { mode: 'none' } } }))
  assert.deepEqual(nsTypes(s), ['mount', 'network', 'uts', 'pid', 'ipc'])
  assert.equal(mount(s, '/dev/shm'), undefined)
  assert.ok(s.linux.sysctl)
})

test('joining an IPC namespace without its shm dir is a programming error', () => {
  const namespaces = { ...baseInput().namespaces, ipc: { mode: 'join' as const, path: '/proc/42/ns/ipc' } }
  assert.throws(() => buildSpec(baseInput({ namespaces })), (e: unknown) => e instanceof BerthError && e.kind === 'internal')
})

test('ipc host binds the host’s /dev/shm', () => {
  const s = buildSpec(baseInput({ namespaces: { ...baseInput().namespaces, ipc: { mode: 'host' } } }))
  assert.deepEqual(mount(s, '/dev/shm')!.source, '/dev/shm')
  assert.ok(!nsTypes(s).includes('ipc'))
})

test('hostname and domainname are dropped without a private UTS namespace', () => {
  for (const uts of [{ mode: 'host' as const }, { mode: 'join' as const, path: '/proc/9/ns/uts' }]) {
    const s = buildSpec(baseInput({ domainname: 'example.org', namespaces: { ...baseInput().namespaces, uts } }))
    assert.equal(s.hostname, undefined)
    assert.equal(s.domainname, undefined)
  }
  assert.equal(buildSpec(baseInput({ domainname: 'example.org' })).domainname, 'example.org')
  assert.equal(buildSpec(baseInput({ hostname: '' })).hostname, undefined)
})

const nsErrors: Array<[string, Partial<SpecInput['namespaces']>, string]> = [
  ['join without path', { network: { mode: 'join' } }, 'invalid'],
  ['none for pid', { pid: { mode: 'none' } }, 'invalid'],
  ['host mount ns', { mount: { mode: 'host' } }, 'invalid'],
  ['private user ns', { user: { mode: 'private' } }, 'not-implemented'],
]
for (const [name, over, kind] of nsErrors) {
  test(`namespaces refused: ${name}`, () => {
    assert.throws(() => buildSpec(baseInput({ namespaces: { ...baseInput().namespaces, ...over } })), (e: unknown) => e instanceof BerthError && e.kind === kind)
  })
}

test('cap-add feeds seccomp: chroot rule follows CAP_SYS_CHROOT', () => {
  const on = buildSpec(baseInput())
  assert.ok(on.linux.seccomp!.syscalls!.some((r) => r.names.includes('chroot')))
  const off = buildSpec(baseInput({ capDrop: ['SYS_CHROOT'] }))
  assert.ok(!off.process.capabilities.bounding.includes('CAP_SYS_CHROOT'))
  assert.ok(!off.linux.seccomp!.syscalls!.some((r) => r.names.includes('chroot')))
  assert.deepEqual(off.linux.seccomp!.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'])
})

test('seccomp: unconfined, custom profile, missing default', () => {
  assert.equal(buildSpec(baseInput({ seccomp: 'unconfined' })).linux.seccomp, undefined)
  const custom = buildSpec(baseInput({ seccomp: { profile: { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] } } }))
  assert.deepEqual(custom.linux.seccomp, { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [] })
  assert.throws(() => buildSpec(baseInput({ defaultSeccompProfile: undefined })), (e: unknown) => e instanceof BerthError && e.kind === 'internal')
})

test('privileged: all daemon caps, no seccomp, no masks, rw /sys, host devices, allow-all rule', () => {
  const dev = { path: '/dev/sda', type: 'b' as const, major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }
  const s = buildSpec(baseInput({ privileged: true, hostDevices: [dev] }))
  assert.deepEqual(s.process.capabilities.bounding, HOST_CAPS)
  assert.equal(s.linux.seccomp, undefined)
  assert.equal(s.linux.maskedPaths, undefined)
  assert.equal(s.linux.readonlyPaths, undefined)
  assert.deepEqual(mount(s, '/sys')!.options, ['nosuid', 'noexec', 'nodev'])
  assert.deepEqual(mount(s, '/sys/fs/cgroup')!.options, ['nosuid', 'noexec', 'nodev'])
  assert.deepEqual(s.linux.devices, [dev])
  assert.deepEqual(s.linux.resources.devices, [{ allow: true, access: 'rwm' }])
})

test('explicit masked/readonly paths override (systempaths=unconfined)', () => {
  const s = buildSpec(baseInput({ maskedPaths: [], readonlyPaths: ['/proc/sys'] }))
  assert.equal(s.linux.maskedPaths, undefined)
  assert.deepEqual(s.linux.readonlyPaths, ['/proc/sys'])
})

test('read-only rootfs: root ro, default mounts ro except /dev and /proc ones, /etc binds ro', () => {
  const s = buildSpec(baseInput({ readonlyRootfs: true }))
  assert.equal(s.root.readonly, true)
  for (const d of ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue']) assert.ok(!mount(s, d)!.options.includes('ro'), d)
  for (const d of ['/sys', '/sys/fs/cgroup', '/etc/hosts', '/etc/hostname', '/etc/resolv.conf']) assert.ok(mount(s, d)!.options.includes('ro'), d)
  assert.equal(mount(s, '/sys')!.options.filter((o) => o === 'ro').length, 1)
})

test('--init wraps the command and binds tini read-only, only in a private pid namespace', () => {
  const s = buildSpec(baseInput({ init: { hostPath: '/usr/bin/tini-static' } }))
  assert.deepEqual(s.process.args, ['/sbin/docker-init', '--', 'sh', '-c', 'id'])
  assert.deepEqual(mount(s, '/sbin/docker-init'), { destination: '/sbin/docker-init', type: 'bind', source: '/usr/bin/tini-static', options: ['bind', 'ro'] })
  const shared = buildSpec(baseInput({ init: { hostPath: '/usr/bin/tini-static' }, namespaces: { ...baseInput().namespaces, pid: { mode: 'host' } } }))
  assert.deepEqual(shared.process.args, ['sh', '-c', 'id'])
  assert.equal(mount(shared, '/sbin/docker-init'), undefined)
})

test('extra mounts replace defaults at the same place and sort parents first', () => {
  const s = buildSpec(baseInput({
    extraMounts: [
      { destination: '/data/sub', type: 'bind', source: '/v/b', options: ['rbind'] },
      { destination: '/data', type: 'bind', source: '/v/a', options: ['rbind'] },
      { destination: '/dev/shm', type: 'bind', source: '/v/shm', options: ['rbind'] },
    ],
  }))
  const dests = s.mounts.map((m) => m.destination)
  assert.ok(dests.indexOf('/data') < dests.indexOf('/data/sub'))
  assert.deepEqual(s.mounts.filter((m) => m.destination === '/dev/shm').map((m) => m.source), ['/v/shm'])
})

test('process fields: terminal, env, cwd, noNewPrivileges, rlimits, resources', () => {
  const s = buildSpec(baseInput({
    terminal: true, cwd: '', env: ['A=1'], noNewPrivileges: true,
    ulimits: [{ name: 'nofile', soft: 100, hard: 200 }], resources: { pidsLimit: 10, memory: 64 * 1024 * 1024 },
  }))
  assert.equal(s.process.terminal, true)
  assert.equal(s.process.cwd, '/')
  assert.deepEqual(s.process.env, ['A=1'])
  assert.equal(s.process.noNewPrivileges, true)
  assert.deepEqual(s.process.rlimits, [{ type: 'RLIMIT_NOFILE', hard: 200, soft: 100 }])
  assert.deepEqual(s.linux.resources.pids, { limit: 10 })
  assert.deepEqual(s.linux.resources.memory, { limit: 67108864, swap: 134217728 })
  assert.deepEqual(s.linux.resources.devices, DEFAULT_DEVICE_RULES)
})

test('rlimit above the daemon’s hard limit is refused before runc sees it', () => {
  assert.throws(() => buildSpec(baseInput({ ulimits: [{ name: 'nofile', soft: 1048576, hard: 1048576 }] })), /maximum of 20000/)
})

const basicErrors: Array<[string, Partial<SpecInput>]> = [
  ['empty args', { args: [] }],
  ['relative cwd', { cwd: 'work' }],
  ['relative rootfs', { rootfs: 'merged' }],
  ['negative uid', { user: { uid: -1, gid: 0, additionalGids: [] } }],
  ['unknown cap', { capAdd: ['NOPE'] }],
]
for (const [name, over] of basicErrors) {
  test(`refused: ${name}`, () => assert.throws(() => buildSpec(baseInput(over)), (e: unknown) => e instanceof BerthError && e.kind === 'invalid'))
}

test('the builder does not alias its input', () => {
  const input = baseInput({ extraMounts: [{ destination: '/d', type: 'bind', source: '/s', options: ['rbind'] }] })
  const s = buildSpec({ ...input, readonlyRootfs: true })
  s.process.args.push('x')
  mount(s, '/d')!.options.push('ro')
  assert.deepEqual(input.args, ['sh', '-c', 'id'])
  assert.deepEqual(input.extraMounts![0].options, ['rbind'])
  assert.deepEqual(DEFAULT_DEVICE_RULES[0], { allow: false, access: 'rwm' })
})
