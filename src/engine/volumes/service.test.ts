import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDb } from '../../state/db.js'
import { VolumeRepo } from '../../state/volumes.js'
import { BerthError } from '../../lib/errors.js'
import type { VolumeHost } from './host.js'
import type { VolumeMountSpec } from './options.js'
import { VolumeService } from './service.js'
import type { VolumeRecord } from './types.js'

/** A recording host: directories and mounts as sets; `failMount` makes mount(2) fail. */
function fakeHost(dirs = new Set<string>(), mounts = new Set<string>()) {
  const calls: string[] = []
  const host: VolumeHost & { failMount?: boolean; failUnmount?: boolean } = {
    makeDir: async (p) => {
      dirs.add(p)
    },
    removeTree: async (p) => {
      calls.push(`rm ${p}`)
      for (const d of [...dirs]) if (d === p || d.startsWith(`${p}/`)) dirs.delete(d)
    },
    listDir: async (p) => [...new Set([...dirs].filter((d) => d.startsWith(`${p}/`)).map((d) => d.slice(p.length + 1).split('/')[0]!))],
    mount: (s: VolumeMountSpec) => {
      if (host.failMount) throw new Error(`mount ${s.target}: Invalid argument`)
      calls.push(`mount ${s.fstype} ${s.target} ${s.data}`)
      mounts.add(s.target)
    },
    unmount: (t) => {
      if (host.failUnmount) throw new Error(`umount ${t}: Device or resource busy`)
      calls.push(`umount ${t}`)
      mounts.delete(t)
    },
    mountsUnder: async (d) => [...mounts].filter((m) => m === d || m.startsWith(`${d}/`)),
    size: async () => 42,
  }
  return { host, dirs, mounts, calls }
}

function setup(users: Record<string, string[]> = {}, db = openDb(':memory:'), h = fakeHost()) {
  const repo = new VolumeRepo<VolumeRecord>(db)
  const svc = new VolumeService({ repo, root: '/r/volumes', host: h.host, usersOf: (n) => users[n] ?? [], now: () => new Date('2024-05-06T07:08:09.123Z') })
  return { svc, repo, db, ...h }
}

const err = async (p: Promise<unknown>): Promise<[string, string]> => {
  try {
    await p
  } catch (e) {
    assert.ok(e instanceof BerthError, String(e))
    return [e.kind, e.message]
  }
  return ['ok', '']
}

test('create makes the directory, then the row; create of an existing name returns it unchanged', async () => {
  const { svc, dirs } = setup()
  const v = await svc.create({ Name: 'data', Labels: { a: '1' } })
  assert.deepEqual(v, { name: 'data', driver: 'local', created: '2024-05-06T07:08:09Z', labels: { a: '1' }, options: {}, anonymous: false })
  assert.ok(dirs.has('/r/volumes/data/_data'))
  assert.deepEqual(await svc.create({ Name: 'data', Labels: { b: '2' } }), v)
  assert.deepEqual(svc.list().map((x) => x.name), ['data'])
})

test('anonymous volumes get 64-hex names', async () => {
  const { svc } = setup()
  const v = await svc.create({}, { anonymous: true })
  assert.match(v.name, /^[0-9a-f]{64}$/)
  assert.equal(v.anonymous, true)
})

test('bad names, options and drivers are refused before anything is made', async () => {
  const { svc, dirs } = setup()
  assert.equal((await err(svc.create({ Name: '../x' })))[0], 'invalid')
  assert.equal((await err(svc.create({ Name: 'a/b' })))[0], 'invalid')
  assert.deepEqual(await err(svc.create({ Name: 'v1', DriverOpts: { foo: 'x' } })), ['invalid', 'create v1: invalid option: "foo"'])
  assert.deepEqual(await err(svc.create({ Name: 'v1', Driver: 'x' })), ['not-found', 'create v1: error looking up volume plugin x: plugin "x" not found'])
  assert.equal(dirs.size, 0)
  assert.deepEqual(svc.list(), [])
})

test('a device volume is mounted at the first prepare only, and unmounted before its directory goes', async () => {
  const { svc, calls, mounts, dirs } = setup()
  await svc.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' } })
  assert.equal(await svc.prepare('tmp'), '/r/volumes/tmp/_data')
  await svc.prepare('tmp')
  assert.deepEqual(calls, ['mount tmpfs /r/volumes/tmp/_data size=1m'])
  await svc.remove('tmp')
  assert.deepEqual(calls.slice(1), ['umount /r/volumes/tmp/_data', 'rm /r/volumes/tmp'])
  assert.equal(mounts.size, 0)
  assert.equal(dirs.size, 0)
})

test('a failed mount leaves the volume unmounted and says why', async () => {
  const h = fakeHost()
  const { svc } = setup({}, undefined, h)
  await svc.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=bogus' } })
  h.host.failMount = true
  assert.deepEqual(await err(svc.prepare('tmp')), ['internal', "error while mounting volume '/r/volumes/tmp/_data': failed to mount local volume: mount /r/volumes/tmp/_data: Invalid argument"])
  h.host.failMount = false
  await svc.prepare('tmp')
  assert.equal(h.mounts.size, 1)
  await svc.remove('tmp')
})

test('a busy unmount keeps the row, so remove can be tried again', async () => {
  const h = fakeHost()
  const { svc } = setup({}, undefined, h)
  await svc.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } })
  await svc.prepare('tmp')
  h.host.failUnmount = true
  assert.equal((await err(svc.remove('tmp')))[0], 'internal')
  assert.ok(svc.get('tmp'))
  h.host.failUnmount = false
  await svc.remove('tmp')
  assert.equal(svc.get('tmp'), undefined)
})

test('remove: missing is 404 (ignored with force); in use is 409 naming the containers, force or not', async () => {
  const { svc } = setup({ busy: ['c1', 'c2'] })
  assert.deepEqual(await err(svc.remove('nope')), ['not-found', 'get nope: no such volume'])
  assert.deepEqual(await err(svc.remove('nope', true)), ['ok', ''])
  await svc.create({ Name: 'busy' })
  assert.deepEqual(await err(svc.remove('busy', true)), ['conflict', 'remove busy: volume is in use - [c1 c2]'])
  assert.ok(svc.get('busy'))
})

test('removeAnonymous keeps named volumes and ones still in use', async () => {
  const { svc } = setup({ used: ['c'] })
  const anon = await svc.create({}, { anonymous: true })
  await svc.create({ Name: 'named' })
  await svc.create({ Name: 'used' }, { anonymous: true })
  await svc.removeAnonymous([anon.name, 'named', 'used', 'missing'])
  assert.deepEqual(svc.list().map((v) => v.name).sort(), ['named', 'used'])
})

test('prune removes what the selector picks, skips volumes in use, and counts their size', async () => {
  const { svc } = setup({ b1: ['c'] })
  for (const n of ['a1', 'b1', 'c1']) await svc.create({ Name: n })
  const res = await svc.prune((v) => v.name !== 'c1')
  assert.deepEqual(res, { removed: ['a1'], reclaimed: 42 })
  assert.deepEqual(svc.list().map((v) => v.name), ['b1', 'c1'])
})

test('startup reconcile: orphan directories and mounts go; device volumes still mounted are remembered', async () => {
  const db = openDb(':memory:')
  const h = fakeHost()
  const first = setup({}, db, h)
  await first.svc.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } })
  await first.svc.prepare('tmp')
  h.dirs.add('/r/volumes/orphan/_data')
  h.mounts.add('/r/volumes/orphan/_data')
  h.calls.length = 0
  const second = setup({}, db, h)
  await second.svc.init()
  assert.deepEqual(h.calls, ['umount /r/volumes/orphan/_data', 'rm /r/volumes/orphan'])
  await second.svc.prepare('tmp') // already mounted: no second mount
  second.svc.close(() => false)
  assert.deepEqual(h.calls.slice(2), ['umount /r/volumes/tmp/_data'])
})

test('remove unmounts whatever is mounted below the volume before its directory goes, tracked or not', async () => {
  const { svc, calls, mounts } = setup()
  await svc.create({ Name: 'plain' })
  mounts.add('/r/volumes/plain/_data')
  await svc.remove('plain')
  assert.deepEqual(calls, ['umount /r/volumes/plain/_data', 'rm /r/volumes/plain'])
})

test('create and remove emit Docker volume events; an existing name emits nothing', async () => {
  const events: string[] = []
  const svc = new VolumeService({
    repo: new VolumeRepo<VolumeRecord>(openDb(':memory:')), root: '/r/volumes', host: fakeHost().host, usersOf: () => [],
    emit: (e) => events.push(`${e.type} ${e.action} ${e.id} ${JSON.stringify(e.attributes)}`),
  })
  await svc.create({ Name: 'ev' })
  await svc.create({ Name: 'ev' })
  await svc.remove('ev')
  assert.deepEqual(events, ['volume create ev {"driver":"local"}', 'volume destroy ev {"driver":"local"}'])
})

test('startup reconcile keeps the volumes root if it is a mount, and an orphan whose mount will not go', async () => {
  const h = fakeHost()
  const { svc } = setup({}, undefined, h)
  h.mounts.add('/r/volumes')
  h.dirs.add('/r/volumes/stuck/_data')
  h.mounts.add('/r/volumes/stuck/_data')
  h.host.failUnmount = true
  await svc.init()
  assert.ok(h.mounts.has('/r/volumes'))
  assert.ok(h.dirs.has('/r/volumes/stuck/_data'))
  assert.deepEqual(h.calls, [])
})
