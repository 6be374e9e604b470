// Mounts in containers through both CLIs (seeds 002 and 004): anonymous and named volumes, bind
// mounts (directories, read-only, single files), --mount and its stricter errors, tmpfs,
// copy-up from the image (owners and modes kept, only into an empty volume, off with nocopy),
// Docker's 400s for bad input, inspect and list against Docker's schema. The mounts live in the
// containers' mount namespaces: the host's mount table shows none. (--volumes-from, `rm -v`,
// `--rm`, image VOLUMEs and seed 002's backup and restore: volumes-from.test.ts.)
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { mountProbes, type Mount } from './mount-probes.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'
import { assertNothingMade, engineState } from '../../helpers/half-made.js'

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const

before(async () => {
  d = await startDaemon('mounts')
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
  describe(`mounts through ${cli}`, () => {
    test('-v /data: an anonymous volume whose host directory holds what the container wrote; rm -v removes it', () => {
      const name = `anon-${cli}`
      ok(d[cli](['run', '--name', name, '-v', '/data', 'busybox', 'sh', '-c', 'echo hi > /data/f']))
      const [m, ...rest] = mountsOf(cli, name)
      assert.equal(rest.length, 0)
      assert.match(m!.Name!, /^[0-9a-f]{64}$/)
      assert.deepEqual({ ...m, Name: '', Source: '' }, { Type: 'volume', Name: '', Source: '', Destination: '/data', Driver: 'local', Mode: '', RW: true, Propagation: '' })
      assert.equal(readFileSync(join(m!.Source, 'f'), 'utf8'), 'hi\n')
      assert.equal(m!.Source, join(d.dataRoot, 'volumes', m!.Name!, '_data'))
      ok(d[cli](['rm', '-v', name]))
      assert.equal(existsSync(m!.Source), false)
    })

    test('-v name:/data is shared between containers and survives rm -v', () => {
      const vol = `shared-${cli}`
      ok(d[cli](['run', '--name', `writer-${cli}`, '-v', `${vol}:/data`, 'busybox', 'sh', '-c', 'echo shared > /data/f']))
      assert.equal(ok(d[cli](['run', '--rm', '-v', `${vol}:/data:ro`, 'busybox', 'cat', '/data/f'])), 'shared\n')
      const [m] = mountsOf(cli, `writer-${cli}`)
      assert.deepEqual([m!.Type, m!.Name, m!.Driver], ['volume', vol, 'local'])
      ok(d[cli](['rm', '-v', `writer-${cli}`]))
      assert.ok(volumeNames().includes(vol))
    })

    test('bind mounts: a created host directory, :ro refuses writes, a single file', () => {
      const dir = join(d.dir, `made-${cli}`) // missing: -v creates it, as Docker does
      ok(d[cli](['run', '--name', `bind-${cli}`, '-v', `${dir}:/x`, 'busybox', 'sh', '-c', 'echo b > /x/out']))
      assert.equal(readFileSync(join(dir, 'out'), 'utf8'), 'b\n')
      assert.deepEqual(mountsOf(cli, `bind-${cli}`), [{ Type: 'bind', Source: dir, Destination: '/x', Mode: '', RW: true, Propagation: 'rprivate' }])
      const hc = JSON.parse(ok(d[cli](['inspect', '-f', '{{json .HostConfig.Binds}}', `bind-${cli}`])))
      assert.deepEqual(hc, [`${dir}:/x`])
      ok(d[cli](['rm', `bind-${cli}`]))
      const ro = d[cli](['run', '--rm', '-v', `${dir}:/x:ro`, 'busybox', 'touch', '/x/nope'])
      assert.notEqual(ro.code, 0)
      assert.match(ro.stderr, /Read-only file system/)
      assert.equal(existsSync(join(dir, 'nope')), false)
      const file = join(hostDir(`files-${cli}`), 'greeting')
      writeFileSync(file, 'hello file\n')
      assert.equal(ok(d[cli](['run', '--rm', '-v', `${file}:/etc/greeting:ro`, 'busybox', 'cat', '/etc/greeting'])), 'hello file\n')
    })

    test('--mount: bind with a missing source is refused, volume and tmpfs work', () => {
      const missing = join(d.dir, `absent-${cli}`)
      const r = d[cli](['run', '--rm', '--mount', `type=bind,source=${missing},target=/x`, 'busybox', 'true'])
      assert.equal(r.code, 125)
      assert.match(r.stderr, new RegExp(`invalid mount config for type "bind": bind source path does not exist: ${missing}`))
      assert.equal(existsSync(missing), false)
      const src = hostDir(`mount-src-${cli}`)
      writeFileSync(join(src, 'm'), 'via mount\n')
      const out = ok(d[cli](['run', '--rm', '--mount', `type=bind,src=${src},dst=/b,readonly`,
        '--mount', `type=volume,src=mvol-${cli},dst=/v`, '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770',
        'busybox', 'sh', '-c', 'cat /b/m; touch /b/w 2>/dev/null || echo ro; grep " /t " /proc/mounts; stat -c %a /t']))
      const lines = out.trim().split('\n')
      assert.equal(lines[0], 'via mount')
      assert.equal(lines[1], 'ro')
      assert.match(lines[2]!, /^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=1024k,mode=1770/)
      assert.equal(lines[3], '1770')
      assert.ok(volumeNames().includes(`mvol-${cli}`))
    })

    test('--tmpfs: a tmpfs inside the container, nothing in the host’s mount table', () => {
      const name = `tmpfs-${cli}`
      ok(d[cli](['run', '-d', '--name', name, '--tmpfs', '/t:size=2m', '-v', '/data', 'busybox', 'sleep', '60']))
      const line = ok(d[cli](['exec', name, 'grep', ' /t ', '/proc/mounts']))
      assert.match(line, /^tmpfs \/t tmpfs rw,nosuid,nodev,noexec,relatime,size=2048k/)
      // seed 002: what exec writes into the anonymous volume is in its host directory
      ok(d[cli](['exec', name, 'sh', '-c', 'echo from exec > /data/f']))
      const [vol] = mountsOf(cli, name)
      assert.equal(readFileSync(join(vol!.Source, 'f'), 'utf8'), 'from exec\n')
      const merged = join(d.dataRoot, 'containers', ok(d[cli](['inspect', '-f', '{{.Id}}', name])).trim(), 'merged')
      const hostMounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4] ?? '')
      assert.deepEqual(hostMounts.filter((p) => p.startsWith(`${merged}/`) || p.includes(join(d.dataRoot, 'volumes'))), [])
      assert.ok(hostMounts.includes(merged))
      ok(d[cli](['rm', '-f', '-v', name]))
    })

    test('copy-up: an empty volume gets the image’s content with owners and modes, once; nocopy turns it off', () => {
      const listing = 'find /etc /var | sort | xargs stat -c "%n %u %g %a %F %s"'
      const image = ok(d[cli](['run', '--rm', 'busybox', 'sh', '-c', listing]))
      const vol = `etc-${cli}`
      assert.equal(ok(d[cli](['run', '--rm', '-v', `${vol}:/etc`, '-v', `var-${cli}:/var`, 'busybox', 'sh', '-c', listing])), image)
      // the volume on the host has the same owners and modes
      const inVolume = join(d.dataRoot, 'volumes', vol, '_data')
      const passwd = statSync(join(inVolume, 'passwd'))
      const line = image.split('\n').find((l) => l.startsWith('/etc/passwd '))!
      assert.equal(`/etc/passwd ${passwd.uid} ${passwd.gid} ${(passwd.mode & 0o7777).toString(8)}`, line.split(' ').slice(0, 4).join(' '))
      // hard links stay hard links (the image's applets are links to /bin/busybox)
      const links = 'stat -c "%n %a %u %g" /bin/busybox /bin/sh; stat -c %i /bin/* | sort -u | wc -l'
      const imageLinks = ok(d[cli](['run', '--rm', 'busybox', 'sh', '-c', links]))
      assert.match(imageLinks, /\n1\n$/)
      assert.equal(ok(d[cli](['run', '--rm', '-v', `bin-${cli}:/bin`, 'busybox', 'sh', '-c', links])), imageLinks)
      // within the volume, one inode with a link per name in /bin
      const [count, names] = ok(d[cli](['run', '--rm', '-v', `bin-${cli}:/bin`, 'busybox', 'sh', '-c', 'stat -c %h /bin/busybox; ls /bin | wc -l'])).trim().split('\n')
      assert.equal(count, names)
      // only once: a non-empty volume is left alone
      ok(d[cli](['run', '--rm', '-v', `${vol}:/etc`, 'busybox', 'rm', '/etc/group']))
      assert.equal(d[cli](['run', '--rm', '-v', `${vol}:/etc`, 'busybox', 'ls', '/etc/group']).code, 1)
      assert.equal(ok(d[cli](['run', '--rm', '-v', `nc-${cli}:/var:nocopy`, 'busybox', 'ls', '-A', '/var'])), '')
      assert.equal(ok(d[cli](['run', '--rm', '--mount', `type=volume,src=nc2-${cli},dst=/var,volume-nocopy`, 'busybox', 'ls', '-A', '/var'])), '')
    })

  })
}

test('bad mount input: Docker’s 400s, nothing half-made', async () => {
  const before = await engineState(d)
  const cases: Array<[Record<string, unknown>, string]> = [
    [{ Binds: ['rel/dir:/x'] }, 'create rel/dir: "rel/dir" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    [{ Binds: ['../x:/x'] }, 'create ../x: "../x" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path'],
    [{ Binds: ['/data', 'vol:/x:bogus'] }, 'invalid mode: bogus'],
    [{ Binds: ['/h:/'] }, `invalid volume specification: '/h:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
    [{ Binds: ['/data', 'vol:/data'] }, 'Duplicate mount point: /data'],
    [{ Mounts: [{ Type: 'bind', Source: '/nonexistent-src', Target: '/x' }] }, 'invalid mount config for type "bind": bind source path does not exist: /nonexistent-src'],
    [{ Tmpfs: { '/t': 'bogus' } }, 'invalid tmpfs option for /t: bogus'],
  ]
  for (const [hc, message] of cases) {
    const r = await d.api('POST', '/v1.47/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: hc })
    assert.deepEqual([r.status, r.body.message], [400, message], JSON.stringify(hc))
  }
  const r = await d.api('POST', '/v1.47/containers/create', { Image: 'busybox', Cmd: ['true'], HostConfig: { VolumesFrom: ['ghost'] } })
  assert.deepEqual([r.status, r.body.message], [404, 'No such container: ghost'])
  await assertNothingMade(d, before, 'bad mount input')
})

test('inspect and list answer Docker’s schema; ps shows the mounts', async () => {
  const dir = hostDir('schema-bind')
  ok(d.docker(['create', '--name', 'schema', '-v', '/data', '-v', `schema-vol:/named`, '-v', `${dir}:/b:ro`,
    '--mount', 'type=tmpfs,dst=/t', '--tmpfs', '/run', 'busybox', 'true']))
  const inspect = await d.api('GET', '/v1.47/containers/schema/json')
  // only the mount fields are this test's business (LogConfig and Config.Volumes have their own issues)
  const mountFields = (path: string) => /^\$(\[\d+\])?\.(Mounts|HostConfig\.(Binds|Mounts|Tmpfs|VolumesFrom))/.test(path)
  const bad = validateResponse('GET', '/containers/{id}/json', 200, inspect.body).filter((m) => mountFields(m.path))
  assert.deepEqual(bad, [], formatMismatches(bad))
  // the docker CLI builds Binds from a Go map: its order is random
  assert.deepEqual([...inspect.body.HostConfig.Binds].sort(), [`${dir}:/b:ro`, 'schema-vol:/named'])
  assert.deepEqual(inspect.body.HostConfig.Mounts, [{ Type: 'tmpfs', Target: '/t' }])
  assert.deepEqual(inspect.body.HostConfig.Tmpfs, { '/run': '' })
  const mounts = inspect.body.Mounts as Mount[]
  // Docker lists them in no particular order
  assert.deepEqual(mounts.map((m) => [m.Type, m.Destination, m.RW, m.Mode]).sort((a, b) => String(a[1]).localeCompare(String(b[1]))), [
    ['bind', '/b', false, 'ro'],
    ['volume', '/data', true, ''], ['volume', '/named', true, ''], ['tmpfs', '/t', true, ''],
  ])
  const list = await d.api('GET', '/v1.47/containers/json?all=1&filters=' + encodeURIComponent(JSON.stringify({ name: ['schema'] })))
  const badList = validateResponse('GET', '/containers/json', 200, list.body).filter((m) => mountFields(m.path))
  assert.deepEqual(badList, [], formatMismatches(badList))
  assert.deepEqual(list.body[0].Mounts, mounts)
  const shown = mounts.map((m) => m.Name || m.Source).map((n) => (n.length > 15 ? `${n.slice(0, 14)}…` : n)).join(',')
  for (const cli of CLIS) assert.equal(ok(d[cli](['ps', '-a', '--filter', 'name=schema', '--format', '{{.Mounts}}'])).trim(), shown, cli)
  ok(d.docker(['rm', '-v', 'schema']))
})
