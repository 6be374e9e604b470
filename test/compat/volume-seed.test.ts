// The volume seeds (MISSION §4: seeds 002 and 004), run command by command through berth and
// through the real docker CLI, with busybox for ubuntu/nginx and a shell command for the
// interactive /bin/bash: named and anonymous volumes, volume inspect, bind directories and a
// single file, several mounts at once, a data-only container shared through --volumes-from,
// the tar backup to the host and its restore into a new container's volume, `rm -v`, `--rm`,
// and a volume in use refused by `volume rm`. Seed 002's walk-through: what exec writes into an
// anonymous volume is in its host directory, and the host's mount table does not show the mount.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('vol-seed')
})
after(async () => {
  await d.cleanup()
})

interface Mount { Type: string; Name?: string; Source: string; Destination: string }

for (const cli of ['berth', 'docker'] as const) {
  describe(`volume seeds via ${cli}`, () => {
    const n = (name: string) => `${name}-${cli}`
    const run = (args: string[]) => d[cli](args)
    const ok = (args: string[]) => {
      const r = run(args)
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    const mounts = (c: string): Mount[] => JSON.parse(ok(['inspect', '-f', '{{json .Mounts}}', c]))
    const host = (name: string) => join(d.dir, n(name))

    test('seed 004: create, mount and inspect volumes; binds of a directory and of one file; several at once', () => {
      assert.equal(ok(['volume', 'create', '--name', n('vol_simple')]), `${n('vol_simple')}\n`)
      ok(['run', '-d', '--name', n('anon'), '-v', '/data', 'busybox', 'sh'])
      const [anon] = mounts(n('anon'))
      assert.deepEqual([anon!.Type, anon!.Destination], ['volume', '/data'])
      assert.match(anon!.Name!, /^[0-9a-f]{64}$/)
      ok(['run', '-d', '--name', n('named'), '-v', `${n('vol_simple')}:/data`, 'busybox', 'sh'])
      assert.deepEqual(mounts(n('named')).map((m) => [m.Type, m.Name]), [['volume', n('vol_simple')]])
      const [info] = JSON.parse(ok(['volume', 'inspect', n('vol_simple')]))
      assert.deepEqual([info.Name, info.Driver, info.Mountpoint], [n('vol_simple'), 'local', join(d.dataRoot, 'volumes', n('vol_simple'), '_data')])

      mkdirSync(host('dir'))
      writeFileSync(join(host('dir'), 'in-host-dir'), '')
      writeFileSync(host('file'), 'a single file\n')
      assert.equal(ok(['run', '--rm', '-v', `${host('dir')}:/container/dir`, 'busybox', 'ls', '/container/dir']), 'in-host-dir\n')
      assert.equal(ok(['run', '--name', n('vol_file'), '-v', `${host('file')}:/container/file`, 'busybox', 'cat', '/container/file']), 'a single file\n')
      ok(['run', '--name', n('vol_mult'), '-v', '/data1', '-v', '/data2', '-v', `${host('dir')}:/container/dir`, 'busybox', 'ls', '-d', '/data1', '/data2', '/container/dir'])
      assert.deepEqual(mounts(n('vol_mult')).map((m) => [m.Type, m.Destination]).sort(), [['bind', '/container/dir'], ['volume', '/data1'], ['volume', '/data2']])
      ok(['rm', '-v', n('anon'), n('vol_file'), n('vol_mult')])
      assert.equal(existsSync(anon!.Source), false, 'rm -v removed the anonymous volume')
      assert.ok(existsSync(host('file')), 'rm -v leaves a bound host file alone')
    })

    test('seed 004: a data-only container shared by two, backed up to the host and restored into another', () => {
      assert.equal(ok(['run', '--name', n('vol_data'), '-v', '/data', 'busybox', 'echo', 'This is a data-only container']), 'This is a data-only container\n')
      ok(['run', '--name', n('vol_share1'), '--volumes-from', n('vol_data'), 'busybox', 'sh', '-c', 'mkdir /data/d && echo shared > /data/d/f && ln -s d/f /data/l'])
      assert.equal(ok(['run', '--name', n('vol_share2'), '--volumes-from', n('vol_data'), 'busybox', 'cat', '/data/l']), 'shared\n')
      mkdirSync(host('backup'))
      ok(['run', '--rm', '--volumes-from', n('vol_data'), '-v', `${host('backup')}:/backup`, 'busybox', 'tar', 'cvf', '/backup/data.tar', '/data'])
      ok(['run', '--name', n('vol_bck'), '-v', '/data', 'busybox', 'true'])
      ok(['run', '--rm', '--volumes-from', n('vol_bck'), '-v', `${host('backup')}:/backup`, 'busybox', 'tar', 'xvf', '/backup/data.tar', '-C', '/'])
      const listing = (from: string) => ok(['run', '--rm', '--volumes-from', n(from), 'busybox', 'sh', '-c', 'cd /data && find . | sort | xargs stat -c "%n %u %g %a %F %s" && cat l'])
      assert.equal(listing('vol_bck'), listing('vol_data'))
      const [data] = mounts(n('vol_data'))
      ok(['rm', '-v', n('vol_share1'), n('vol_share2')])
      assert.ok(existsSync(data!.Source), 'the data container’s volume outlives the containers that borrowed it')
      ok(['rm', '-v', n('vol_data'), n('vol_bck')])
      assert.equal(existsSync(data!.Source), false)
    })

    test('seed 004: --rm takes anonymous volumes only; a volume in use is refused by volume rm', () => {
      const before = readdirSync(join(d.dataRoot, 'volumes')).sort()
      ok(['run', '--rm', '-v', '/scratch', '-v', `${n('vol_simple')}:/keep`, 'busybox', 'touch', '/scratch/x', '/keep/y'])
      assert.deepEqual(readdirSync(join(d.dataRoot, 'volumes')).sort(), before)
      const id = ok(['inspect', '-f', '{{.Id}}', n('named')]).trim()
      const r = run(['volume', 'rm', n('vol_simple')])
      assert.equal(r.code, 1)
      assert.equal(r.stderr.trim(), `Error response from daemon: remove ${n('vol_simple')}: volume is in use - [${id}]`)
      ok(['rm', n('named')])
      assert.equal(ok(['volume', 'rm', n('vol_simple')]), `${n('vol_simple')}\n`)
      assert.equal(existsSync(join(d.dataRoot, 'volumes', n('vol_simple'))), false)
    })

    test('seed 002: what exec writes into an anonymous volume is in its host directory; the host shows no mount', () => {
      ok(['run', '-d', '--name', n('walk'), '-v', '/test', 'busybox', 'sleep', '60'])
      const [m] = mounts(n('walk'))
      ok(['exec', n('walk'), 'sh', '-c', 'echo hello > /test/text.txt'])
      assert.equal(readFileSync(join(m!.Source, 'text.txt'), 'utf8'), 'hello\n')
      const points = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
      assert.deepEqual(points.filter((p) => p.endsWith('/test') || p.startsWith(join(d.dataRoot, 'volumes'))), [])
      ok(['rm', '-f', '-v', n('walk')])
      assert.equal(existsSync(m!.Source), false)
    })
  })
}
