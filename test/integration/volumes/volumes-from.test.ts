// Mounts shared between containers through both CLIs (seeds 002 and 004): --volumes-from with one
// and two sources from stopped data-only containers (and :ro), `rm -v` and `--rm` removing
// anonymous volumes only, nested targets mounted parent first, an image VOLUME filled from the
// image, and seed 002's tar backup to the host and restore into a new container's volume.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { mountProbes } from './mount-probes.js'

const FIXTURE = join(REPO, '../shared/fixtures/whiteouts.docker-save.tar')

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const

before(async () => {
  d = await startDaemon('volumes-from')
})
after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult): string {
  assert.equal(r.code, 0, r.stderr)
  return r.stdout
}

const { mountsOf, volumeNames, hostDir } = mountProbes(() => d)

for (const cli of CLIS) {
  describe(`shared mounts through ${cli}`, () => {
    test('--volumes-from one and two stopped data-only containers, :ro', () => {
      ok(d[cli](['run', '--name', `data1-${cli}`, '-v', '/data', 'busybox', 'echo', 'This is a data-only container']))
      ok(d[cli](['create', '--name', `data2-${cli}`, '-v', '/other', '-v', `${hostDir(`from-${cli}`)}:/hostdir`, 'busybox', 'true']))
      ok(d[cli](['run', '--rm', '--volumes-from', `data1-${cli}`, 'busybox', 'sh', '-c', 'echo one > /data/f']))
      const both = ok(d[cli](['run', '--rm', '--volumes-from', `data1-${cli}`, '--volumes-from', `data2-${cli}`, 'busybox', 'sh', '-c',
        'cat /data/f; echo two > /other/g; echo three > /hostdir/h; cat /other/g']))
      assert.equal(both, 'one\ntwo\n')
      assert.equal(readFileSync(join(d.dir, `from-${cli}`, 'h'), 'utf8'), 'three\n')
      const ro = d[cli](['run', '--rm', '--volumes-from', `data1-${cli}:ro`, 'busybox', 'touch', '/data/x'])
      assert.match(ro.stderr, /Read-only file system/)
      // the --rm containers above did not take data1's anonymous volume with them
      const [m] = mountsOf(cli, `data1-${cli}`)
      assert.equal(readFileSync(join(m!.Source, 'f'), 'utf8'), 'one\n')
      const from = d[cli](['create', '--name', `consumer-${cli}`, '--volumes-from', `data1-${cli}`, 'busybox', 'true'])
      ok(from)
      assert.deepEqual(mountsOf(cli, `consumer-${cli}`).map((x) => [x.Name, x.Destination]), [[m!.Name, '/data']])
      ok(d[cli](['rm', '-v', `consumer-${cli}`]))
      assert.ok(existsSync(m!.Source))
      ok(d[cli](['rm', '-v', `data1-${cli}`, `data2-${cli}`]))
      assert.equal(existsSync(m!.Source), false)
    })

    test('run --rm removes anonymous volumes and keeps named ones; nested targets mount parent first', () => {
      const before = volumeNames()
      ok(d[cli](['run', '--rm', '-v', '/anon', '-v', `keep-${cli}:/n`, '-v', `outer-${cli}:/x`, '-v', `inner-${cli}:/x/y`, 'busybox', 'sh', '-c',
        'echo in > /x/y/f && ls /x && touch /anon/a']))
      assert.deepEqual(volumeNames(), [...before, `inner-${cli}`, `keep-${cli}`, `outer-${cli}`].sort())
      assert.equal(ok(d[cli](['run', '--rm', '-v', `inner-${cli}:/z`, 'busybox', 'cat', '/z/f'])), 'in\n')
    })

    test('an image VOLUME becomes an anonymous volume filled from the image; a bind there hides it', () => {
      if (cli === 'docker') ok(d.docker(['load', '-i', FIXTURE]))
      const name = `img-vol-${cli}`
      assert.equal(ok(d[cli](['run', '--name', name, 'fx-whiteouts:1'])), 'one\n')
      const [m, ...rest] = mountsOf(cli, name)
      assert.equal(rest.length, 0)
      assert.deepEqual([m!.Type, m!.Destination, m!.RW], ['volume', '/data', true])
      const a = statSync(join(m!.Source, 'keep', 'a'))
      assert.deepEqual([a.uid, a.gid], [1, 1])
      assert.equal(statSync(join(m!.Source, 'keep')).mode & 0o7777, 0o750)
      assert.deepEqual(readdirSync(m!.Source), ['keep'])
      ok(d[cli](['rm', '-v', name]))
      assert.equal(existsSync(m!.Source), false)
      assert.equal(ok(d[cli](['run', '--rm', '-v', `${hostDir(`hide-${cli}`)}:/data`, 'fx-whiteouts:1', 'ls', '-A', '/data'])), '')
    })

    test('seed 002: tar backup through --volumes-from and restore into a new container’s volume', () => {
      const backup = hostDir(`backup-${cli}`)
      ok(d[cli](['run', '--name', `vol-simple-${cli}`, '-v', '/data', 'busybox', 'sh', '-c',
        'mkdir -p /data/d && echo one > /data/a && echo two > /data/d/b && ln -s a /data/l && ln /data/a /data/hard && chown 5:6 /data/a && chmod 640 /data/a']))
      ok(d[cli](['run', '--rm', '--volumes-from', `vol-simple-${cli}`, '-v', `${backup}:/backup`, 'busybox', 'tar', 'cvf', '/backup/data.tar', '/data']))
      assert.ok(statSync(join(backup, 'data.tar')).size > 0)
      ok(d[cli](['run', '--name', `vol-bck-${cli}`, '-v', '/data', 'busybox', 'true']))
      ok(d[cli](['run', '--rm', '--volumes-from', `vol-bck-${cli}`, '-v', `${backup}:/backup`, 'busybox', 'tar', 'xvf', '/backup/data.tar', '-C', '/']))
      const listing = (from: string) =>
        ok(d[cli](['run', '--rm', '--volumes-from', from, 'busybox', 'sh', '-c', 'cd /data && find . | sort | xargs stat -c "%n %u %g %a %F %s %h" && cat a d/b && readlink l']))
      const original = listing(`vol-simple-${cli}`)
      assert.match(original, /\.\/a 5 6 640 regular file 4 2/)
      assert.equal(listing(`vol-bck-${cli}`), original)
      ok(d[cli](['rm', '-v', `vol-simple-${cli}`, `vol-bck-${cli}`]))
    })
  })
}
