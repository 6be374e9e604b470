import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { UndoStack } from '../../lib/undo.js'
import { BerthError } from '../../lib/errors.js'
import type { ContainerRecord, DockerConfig, DockerHostConfig, MountPoint } from '../../state/records.js'
import type { VolumeCreateRequest, VolumeHooks, VolumeRecord } from '../volumes/types.js'
import type { ContainerDeps } from './deps.js'
import { createMounts, ownedVolumes, prepareMounts, subpathSource } from './volume-mounts.js'

/** An in-memory volume service: directories under `root`, calls recorded. */
function fakeVolumes(root: string) {
  const vols = new Map<string, VolumeRecord>()
  const calls: string[] = []
  const hooks: VolumeHooks = {
    async create(req: VolumeCreateRequest, opts = {}) {
      calls.push(`create ${req.Name}${opts.anonymous ? ' anonymous' : ''}`)
      const v = { name: req.Name!, driver: 'local' as const, created: '', labels: {}, options: {}, anonymous: !!opts.anonymous }
      if (!vols.has(v.name)) vols.set(v.name, v)
      await mkdir(join(root, v.name, '_data'), { recursive: true })
      return vols.get(v.name)!
    },
    get: (name) => vols.get(name),
    async prepare(name) {
      calls.push(`prepare ${name}`)
      return join(root, name, '_data')
    },
    async removeAnonymous(names) {
      for (const n of names) {
        if (!vols.get(n)?.anonymous) continue
        vols.delete(n)
        calls.push(`remove ${n}`)
      }
    },
  }
  return { hooks, vols, calls }
}

function depsWith(root: string, containers: Record<string, Partial<ContainerRecord>> = {}) {
  const volumes = fakeVolumes(join(root, 'volumes'))
  const deps = {
    volumes: volumes.hooks,
    paths: { volumes: join(root, 'volumes') },
    store: {
      resolve: (ref: string) => {
        const c = containers[ref]
        if (!c) throw new BerthError('not-found', `No such container: ${ref}`)
        return c
      },
    },
  } as unknown as ContainerDeps
  return { deps, ...volumes }
}

const config = (volumes: string[] = []) => ({ Volumes: Object.fromEntries(volumes.map((v) => [v, {}])) }) as unknown as DockerConfig
const hc = (over: Record<string, unknown>) => over as unknown as DockerHostConfig

test('create: anonymous volumes get a 64-hex name and an undo; named ones are ensured', async () => {
  const root = await mkdtemp(join(tmpdir(), 'vm-'))
  try {
    const { deps, calls, vols } = depsWith(root)
    const undo = new UndoStack()
    const mounts = await createMounts(deps, hc({ Binds: ['named:/n'] }), config(['/anon']), undo)
    assert.equal(mounts.length, 2)
    const anon = mounts.find((m) => m.Destination === '/anon')!
    assert.match(anon.Name!, /^[0-9a-f]{64}$/)
    assert.equal(anon.ownsVolume, true)
    assert.equal(anon.Source, join(root, 'volumes', anon.Name!, '_data'))
    assert.deepEqual(calls, ['create named', `create ${anon.Name} anonymous`])
    assert.deepEqual(ownedVolumes({ mounts } as ContainerRecord), [anon.Name])
    await undo.run()
    assert.deepEqual([...vols.keys()], ['named'])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('create: bad input fails before any volume is made; --volumes-from needs the container', async () => {
  const root = await mkdtemp(join(tmpdir(), 'vm-'))
  try {
    const { deps, calls } = depsWith(root)
    await assert.rejects(createMounts(deps, hc({ Binds: ['/a', 'x:/y:bogus'] }), config(), new UndoStack()), /invalid mode: bogus/)
    await assert.rejects(createMounts(deps, hc({ VolumesFrom: ['ghost'] }), config(['/a']), new UndoStack()), /No such container: ghost/)
    assert.deepEqual(calls, [])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('start: volumes are prepared and filled from the image once, binds and tmpfs become OCI mounts, parent first', async () => {
  const root = await mkdtemp(join(tmpdir(), 'vm-'))
  try {
    const { deps, hooks, calls } = depsWith(root)
    const rootfs = join(root, 'rootfs')
    await mkdir(join(rootfs, 'etc'), { recursive: true })
    await writeFile(join(rootfs, 'etc', 'conf'), 'x')
    await hooks.create({ Name: 'etcvol' })
    await hooks.create({ Name: 'bare' })
    const mounts: MountPoint[] = [
      { Type: 'volume', Name: 'etcvol', Source: '', Destination: '/etc', Driver: 'local', Mode: '', RW: true, Propagation: '', copyData: true },
      { Type: 'volume', Name: 'bare', Source: '', Destination: '/etc/sub', Driver: 'local', Mode: 'nocopy', RW: false, Propagation: '', copyData: false },
      { Type: 'bind', Source: join(root, 'made'), Destination: '/b', Mode: '', RW: true, Propagation: 'rslave' },
      { Type: 'tmpfs', Source: '', Destination: '/t', Mode: '', RW: true, Propagation: '', tmpfsOptions: ['size=1m'] },
    ]
    const c = { mounts, hostConfig: hc({ Tmpfs: { '/run': 'exec' } }) } as unknown as ContainerRecord
    const oci = await prepareMounts(deps, c, rootfs)
    assert.deepEqual(oci, [
      { destination: '/etc', type: 'bind', source: join(root, 'volumes', 'etcvol', '_data'), options: ['rbind', 'rprivate'] },
      { destination: '/b', type: 'bind', source: join(root, 'made'), options: ['rbind', 'rslave'] },
      { destination: '/t', type: 'tmpfs', source: 'tmpfs', options: ['noexec', 'nosuid', 'nodev', 'size=1m'] },
      { destination: '/run', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'exec'] },
      { destination: '/etc/sub', type: 'bind', source: join(root, 'volumes', 'bare', '_data'), options: ['rbind', 'rprivate', 'ro'] },
    ])
    assert.deepEqual(await readdir(join(root, 'volumes', 'etcvol', '_data')), ['conf'])
    assert.deepEqual(await readdir(join(root, 'made')), [])
    assert.equal(mounts[0]!.copyData, false)
    assert.deepEqual(calls.filter((x) => x.startsWith('prepare')), ['prepare etcvol', 'prepare bare'])
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})

test('subpath: resolved inside the volume, missing is Docker’s not-found, links out are refused', async () => {
  const root = await mkdtemp(join(tmpdir(), 'vm-sub-'))
  try {
    const vol = join(root, 'v', '_data')
    await mkdir(join(vol, 'a', 'b'), { recursive: true })
    await symlink('a/b', join(vol, 'inlink'))
    await symlink('/etc', join(vol, 'abs'))
    await symlink('../..', join(vol, 'up'))
    assert.equal(await subpathSource(vol, 'a/b'), join(vol, 'a', 'b'))
    assert.equal(await subpathSource(vol, 'inlink'), join(vol, 'a', 'b'))
    assert.equal(await subpathSource(vol, 'a/..'), vol)
    await assert.rejects(subpathSource(vol, 'a/nope/x'), (e: unknown) => e instanceof BerthError && e.kind === 'not-found' &&
      e.message === `cannot access path ${join(vol, 'a/nope/x')}: lstat ${join(vol, 'a/nope')}: no such file or directory`)
    for (const out of ['abs', 'up', 'up/v'])
      await assert.rejects(subpathSource(vol, out), (e: unknown) => e instanceof BerthError && e.kind === 'invalid' &&
        e.message === `path concatenation escapes the base directory, base: ${vol}, subpath: ${out}`, out)
  } finally {
    await rm(root, { recursive: true, force: true })
  }
})
