import { test } from 'node:test'
import assert from 'node:assert/strict'
import { commandOf, ipcMode, mergeEnv, mergeImageConfig, networkMode, pidMode, rejectUnsupported, validateHostConfig } from './options.js'
import type { DockerConfig, DockerHostConfig } from '../../state/records.js'
import { BerthError } from '../../lib/errors.js'

const config = (over: Partial<DockerConfig> = {}): DockerConfig => ({
  Hostname: '', Domainname: '', User: '', AttachStdin: false, AttachStdout: true, AttachStderr: true, Tty: false,
  OpenStdin: false, StdinOnce: false, Env: [], Cmd: null, Entrypoint: null, Image: 'busybox', WorkingDir: '', Labels: {}, ...over,
})
const hostConfig = (over: Record<string, unknown> = {}) => ({ NetworkMode: 'default', ...over }) as unknown as DockerHostConfig

test('image defaults fill what the user left empty; an explicit entrypoint drops the image Cmd', () => {
  const image = { rootfs: { type: 'layers' as const, diff_ids: [] }, config: { Env: ['PATH=/bin', 'A=1'], Cmd: ['sh'], WorkingDir: '/w', Labels: { a: 'b' } } }
  const m = mergeImageConfig(config({ Env: ['A=2'] }), image)
  assert.deepEqual(m.Env, ['PATH=/bin', 'A=2'])
  assert.deepEqual(m.Cmd, ['sh'])
  assert.equal(m.WorkingDir, '/w')
  assert.deepEqual(m.Labels, { a: 'b' })
  const e = mergeImageConfig(config({ Entrypoint: ['echo'] }), image)
  assert.deepEqual([e.Entrypoint, e.Cmd], [['echo'], null])
})

test('commandOf needs a command', () => {
  assert.deepEqual(commandOf(config({ Entrypoint: ['a'], Cmd: ['b'] })), ['a', 'b'])
  assert.throws(() => commandOf(config()), /No command specified/)
})

test('mergeEnv replaces in place', () => {
  assert.deepEqual(mergeEnv(['A=1', 'B=2'], ['B=3', 'C=4']), ['A=1', 'B=3', 'C=4'])
})

test('namespace modes', () => {
  assert.deepEqual(pidMode('container:web'), { kind: 'container', ref: 'web' })
  assert.deepEqual(ipcMode('shareable'), { kind: 'shareable' })
  assert.deepEqual(networkMode('none'), { kind: 'none' })
  assert.throws(() => pidMode('bogus'), /invalid PID mode/)
  assert.deepEqual(networkMode('backend'), { kind: 'network', name: 'backend' })
})

test('Docker’s refused combinations', () => {
  assert.throws(() => validateHostConfig(config({ Hostname: 'x' }), hostConfig({ NetworkMode: 'container:a' })), /conflicting options: hostname and the network mode/)
  assert.throws(() => validateHostConfig(config({ Hostname: 'x' }), hostConfig({ UTSMode: 'host' })), /hostname and the UTS mode/)
  const shared = hostConfig({ NetworkMode: 'container:a' })
  assert.throws(() => validateHostConfig(config(), { ...shared, PublishAllPorts: true }), /port publishing and the container type network mode/)
  assert.throws(() => validateHostConfig(config({ ExposedPorts: { '80/tcp': {} } }), shared), /port exposing and the container type network mode/)
  validateHostConfig(config({ ExposedPorts: {} }), { ...shared, PortBindings: {} })
})

test('options berth lacks are refused, empty ones pass', () => {
  rejectUnsupported(hostConfig({ Binds: ['/a:/b'], Tmpfs: { '/t': '' }, VolumesFrom: ['x'], PortBindings: {}, RestartPolicy: { Name: 'no' }, Dns: null }))
  for (const over of [{ StorageOpt: { size: '1G' } }, { RestartPolicy: { Name: 'always' } }, { Devices: [{ PathOnHost: '/dev/fuse' }] }]) {
    assert.throws(() => rejectUnsupported(hostConfig(over)), (e: unknown) => e instanceof BerthError && e.kind === 'not-implemented', JSON.stringify(over))
  }
})
