// `export` through both CLIs and the API: `export | import` round-trips files, modes, owners,
// symlinks and hard links; volume content stays out while the mount point is there; a stopped
// container's rootfs is mounted for the stream and unmounted after (cleanup checks); Docker's
// refusal to write a tar to a terminal; an unknown container.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { BERTH, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
const started = Math.floor(Date.now() / 1000) - 1
// A tree with every kind of entry an export must keep exactly.
const SETUP = [
  'mkdir -p /t/sub /t/empty', 'echo a > /t/a', 'ln /t/a /t/hard', 'ln -s /t/a /t/abs-link', 'ln -s ../a /t/sub/rel-link',
  'echo s > /t/sub/s', 'chmod 0640 /t/a', 'chmod 1777 /t/empty', 'chown 12:34 /t/sub/s', 'chmod 4755 /t/sub', 'mkfifo /t/fifo',
  'rm /bin/true', 'echo v > /vol/inside',
].join(' && ')
// One line per entry: name, octal mode, owner, type, size (directories excluded: sizes vary), link target.
const DESCRIBE = `cd /t && find . | sort | while read -r f; do s=$(stat -c '%a %u:%g %F' "$f"); case "$s" in *directory) echo "$f $s";; *link) echo "$f $s $(readlink "$f")";; *) echo "$f $s $(stat -c %s "$f")";; esac; done; [ "$(stat -c %i /t/a)" = "$(stat -c %i /t/hard)" ] && echo hard-linked; ls /bin/true 2>&1; ls -A /vol`

before(async () => {
  d = await startDaemon('export')
  ok(d.berth(['run', '--name', 'ex', '-v', '/vol', 'busybox', 'sh', '-c', SETUP]))
})
after(async () => {
  await d.cleanup()
})

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r
}

const sh = (script: string) => {
  const r = spawnSync('sh', ['-c', script], { env: d.env, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status ?? 137, stdout: r.stdout, stderr: r.stderr }
}

test('the container itself: the tree the exports must reproduce', () => {
  ok(d.berth(['start', 'ex']))
  ok(d.berth(['wait', 'ex']))
})

for (const c of ['docker', 'berth'] as const) {
  test(`${c}: export | import round-trips files, modes, owners, symlinks and hard links; volume content stays out`, () => {
    const expected = ok(d.berth(['run', '--rm', '-v', '/vol', 'busybox', 'sh', '-c', `mkdir /tmp/x && ${SETUP.replace(/echo v > \/vol\/inside/, 'true')} && ${DESCRIBE}; true`])).stdout
    assert.match(expected, /^\.\/hard 640 0:0 regular file 2$/m)
    assert.match(expected, /hard-linked\nls: \/bin\/true: No such file or directory\n$/)
    ok(sh(`${c === 'docker' ? 'docker' : BERTH} export ex | ${c === 'docker' ? 'docker' : BERTH} import - ex-${c}`))
    const got = ok(d.berth(['run', '--rm', `ex-${c}`, 'sh', '-c', `${DESCRIBE}; true`])).stdout
    assert.equal(got, expected)
    ok(d.berth(['rmi', `ex-${c}`]))
  })
}

test('export -o writes a file; a stopped container is unmounted after', () => {
  const out = join(d.dir, 'ex.tar')
  ok(d.berth(['export', '-o', out, 'ex']))
  assert.ok(statSync(out).size > 1_000_000) // busybox is in it
  const names = ok(sh(`tar -tf ${out}`)).stdout.split('\n')
  assert.ok(names.includes('vol/') && !names.some((n) => n.startsWith('vol/inside')), 'mount point kept, content left out')
  assert.ok(names.includes('t/hard') && names.includes('bin/busybox'))
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', 'ex'])).stdout.trim()
  assert.doesNotMatch(ok(sh('cat /proc/self/mountinfo')).stdout, new RegExp(`${id}/merged`))
  const docker = join(d.dir, 'ex-docker.tar')
  ok(d.docker(['container', 'export', '--output', docker, 'ex']))
  assert.ok(existsSync(docker))
  const events = ok(d.berth(['events', '--since', String(started), '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'container=ex', '--format', '{{.Action}}'])).stdout
  assert.equal(events.split('\n').filter((e) => e === 'export').length, 4, events) // two round trips, two -o
})

test('a reader that goes away mid-stream: the daemon lives on, the rootfs is unmounted', async () => {
  ok(sh(`${BERTH} export ex | head -c 100000 > /dev/null`))
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', 'ex'])).stdout.trim()
  const mounted = () => ok(sh('cat /proc/self/mountinfo')).stdout.includes(`${id}/merged`)
  for (let i = 0; i < 100 && mounted(); i++) await new Promise((r) => setTimeout(r, 50))
  assert.equal(mounted(), false)
  ok(d.berth(['version']))
})

test('a running container exports while it runs', () => {
  ok(d.berth(['run', '-d', '--name', 'ex-live', 'busybox', 'sh', '-c', 'echo live > /live && exec sleep 1000']))
  for (let i = 0; i < 100 && d.berth(['exec', 'ex-live', 'test', '-f', '/live']).code !== 0; i++) spawnSync('sleep', ['0.05'])
  const r = ok(sh(`docker export ex-live | tar -xOf - live`))
  assert.equal(r.stdout, 'live\n')
  assert.equal(ok(d.berth(['inspect', '-f', '{{.State.Status}}', 'ex-live'])).stdout.trim(), 'running')
  ok(d.berth(['rm', '-f', 'ex-live']))
})

test('errors: a terminal on stdout, an unknown container', async () => {
  // script(1) gives the command a terminal for stdout
  for (const cli of [BERTH, 'docker']) {
    const r = sh(`script -qec "${cli} export ex" /dev/null`)
    assert.equal(r.code, 1)
    assert.match(r.stdout, /cowardly refusing to save to a terminal\. Use the -o flag or redirect/)
  }
  const api = await d.api('GET', '/containers/nope/export')
  assert.equal(api.status, 404)
  assert.deepEqual(api.body, { message: 'No such container: nope' })
  for (const c of ['docker', 'berth'] as const) {
    const r = sh(`${c === 'docker' ? 'docker' : BERTH} export nope > /dev/null`)
    assert.deepEqual([r.code, r.stderr], [1, 'Error response from daemon: No such container: nope\n'])
  }
})
