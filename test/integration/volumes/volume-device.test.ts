// The volume service's host executor for volumes with a `device` option, as root: a tmpfs
// volume (-o type=tmpfs -o device=tmpfs -o o=size=1m,uid=1000) and a bind volume
// (type=none, o=bind) are mounted at their first prepare only, survive a service restart
// (the reconcile remembers them), and are unmounted at remove and at close; an orphan mount or
// directory under the volumes root is released by the reconcile. Nothing stays mounted.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { openDb } from '../../../src/state/db.js'
import { VolumeRepo } from '../../../src/state/volumes.js'
import { VolumeService } from '../../../src/engine/volumes/service.js'
import { realVolumeHost } from '../../../src/engine/volumes/host.js'
import type { VolumeRecord } from '../../../src/engine/volumes/types.js'

const dir = mkdtempSync('/tmp/berth-test-vol-device-')
const root = join(dir, 'volumes')
const db = openDb(join(dir, 'berth.db'))
const service = () => new VolumeService({ repo: new VolumeRepo<VolumeRecord>(db), root, host: realVolumeHost, usersOf: () => [] })

/** mount point → "fstype options" for mounts under the test dir */
const mounts = () =>
  readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter((l) => l.includes(dir))
    .map((l) => {
      const [pre, post] = l.split(' - ')
      const [fstype, , superOpts] = post!.split(' ')
      return `${pre!.split(' ')[4]} ${fstype} ${superOpts}`
    })

after(() => {
  for (const m of mounts()) spawnSync('umount', ['-l', m.split(' ')[0]!])
  db.close()
  rmSync(dir, { recursive: true, force: true })
})

test('tmpfs and bind volumes: mounted once, remembered across a restart, released at remove and close', async () => {
  const src = join(dir, 'src')
  mkdirSync(src)
  writeFileSync(join(src, 'hello'), 'hi\n')
  const first = service()
  await first.init()
  await first.create({ Name: 'tmp', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,uid=1000,nosuid' } })
  await first.create({ Name: 'bound', DriverOpts: { type: 'none', device: src, o: 'bind' } })
  assert.deepEqual(mounts(), [], 'nothing is mounted before a container needs it')

  const tmp = await first.prepare('tmp')
  await first.prepare('tmp')
  const bound = await first.prepare('bound')
  assert.equal(readFileSync(join(bound, 'hello'), 'utf8'), 'hi\n')
  const m = mounts()
  assert.equal(m.length, 2, m.join('\n'))
  assert.match(m.find((x) => x.startsWith(tmp))!, /^\S+ tmpfs rw,size=1024k,uid=1000/)

  // a daemon restart: the mounts are still there and are not made twice
  const second = service()
  await second.init()
  await second.prepare('tmp')
  assert.equal(mounts().length, 2)

  await second.remove('tmp')
  assert.ok(!existsSync(join(root, 'tmp')))
  assert.equal(mounts().length, 1)
  assert.equal(readFileSync(join(src, 'hello'), 'utf8'), 'hi\n', 'the bind source is untouched')

  second.close(() => false)
  assert.deepEqual(mounts(), [])
  await second.prepare('bound') // mounted again lazily after close
  assert.equal(mounts().length, 1)
  await second.remove('bound')
  assert.deepEqual(mounts(), [])
  assert.ok(existsSync(join(src, 'hello')), 'removing a bind volume never deletes its source')
})

test('reconcile releases a mount and a directory that have no row', async () => {
  const orphan = join(root, 'orphan', '_data')
  mkdirSync(orphan, { recursive: true })
  assert.equal(spawnSync('mount', ['-t', 'tmpfs', 'tmpfs', orphan]).status, 0)
  const svc = service()
  await svc.init()
  assert.deepEqual(mounts(), [])
  assert.ok(!existsSync(join(root, 'orphan')))
})
