// `commit` through both CLIs and the API: what the writable layer puts in the new image (files,
// deletions, opaque directories) and what it leaves out (volume and bind contents, the generated
// /etc files), --change/-a/-m in the config and history, pausing a running container, a fixture
// image's container committed and carried through save/load, and Docker's errors.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'
import { FIXTURES } from './env.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('commit')
})
after(async () => {
  await d.cleanup()
})

type Cli = 'docker' | 'berth'
const cli = (c: Cli, args: string[]) => (c === 'docker' ? d.docker(args) : d.berth(args))

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r
}

const inspect = (ref: string) => JSON.parse(ok(d.docker(['image', 'inspect', ref])).stdout)[0]
const imageCount = () => ok(d.berth(['images', '-aq'])).stdout.trim().split('\n').filter(Boolean).length

for (const c of ['docker', 'berth'] as const) {
  // the docker run covers seed 002: `run -v /data … echo hi > /data/f`, commit, `ls -la /data` → present and empty
  test(`${c}: the writable layer is committed; volume, bind and /etc/hosts content are not`, () => {
    const bind = join(d.dir, `bind-${c}`)
    mkdirSync(bind)
    writeFileSync(join(bind, 'host-file'), 'host\n')
    const name = `cm-${c}`
    ok(cli(c, ['run', '--name', name, '-v', '/data', '-v', `named-${c}:/named`, '-v', `${bind}:/bound`, 'busybox', 'sh', '-c',
      'echo hi > /data/f && echo n > /named/g && echo b > /bound/h && echo kept > /new-file && mkdir -p /deep/dir && echo x > /deep/dir/y && echo "10.1.2.3 edited" >> /etc/hosts']))
    const out = ok(cli(c, ['commit', name, `img-${c}`])).stdout.trim()
    assert.match(out, /^sha256:[0-9a-f]{64}$/)
    const r = ok(cli(c, ['run', '--rm', `img-${c}`, 'sh', '-c', 'cat /new-file /deep/dir/y; ls -la /data | wc -l; ls -A /data /named /bound; grep -c edited /etc/hosts || true']))
    // mount points present and empty (ls -la of an empty dir: "total", ".", "..")
    assert.equal(r.stdout, 'kept\nx\n3\n/bound:\n\n/data:\n\n/named:\n0\n')
    assert.equal(inspect(`img-${c}`).Id, out)
    ok(cli(c, ['rm', '-v', name]))
    ok(cli(c, ['volume', 'rm', `named-${c}`]))
    ok(cli(c, ['rmi', `img-${c}`]))
  })
}

test('diff lists A/C/D as Docker, without the generated files or volume content; deletions and opaque dirs survive commit', () => {
  ok(d.berth(['run', '--name', 'cm-del', '-v', '/data', 'busybox', 'sh', '-c',
    'rm /bin/true && rm -rf /home && mkdir /home && echo new > /home/only && rm /etc/group && echo y >> /etc/passwd && echo n > /new && echo v > /data/v']))
  const expected = 'C /bin\nD /bin/true\nA /data\nC /etc\nD /etc/group\nC /etc/passwd\nD /home\nA /home/only\nA /new\n'
  assert.equal(ok(d.berth(['diff', 'cm-del'])).stdout, expected)
  assert.equal(ok(d.docker(['diff', 'cm-del'])).stdout, expected)
  ok(d.docker(['commit', 'cm-del', 'cm-del-img']))
  const r = ok(d.berth(['run', '--rm', 'cm-del-img', 'sh', '-c', 'ls /bin/true 2>&1; ls -A /home; ls /etc/group 2>&1; ls /bin/false; tail -1 /etc/passwd']))
  assert.equal(r.stdout, 'ls: /bin/true: No such file or directory\nonly\nls: /etc/group: No such file or directory\n/bin/false\ny\n')
  ok(d.berth(['rm', '-v', 'cm-del']))
  ok(d.berth(['rmi', 'cm-del-img']))
})

test('--change, -a and -m land in the config, history and inspect', () => {
  ok(d.berth(['run', '--name', 'cm-ch', '-e', 'KEEP=1', '--label', 'from=run', 'busybox', 'sh', '-c', 'echo x > /x']))
  ok(d.docker(['commit', '-a', 'Ann <ann@example.com>', '-m', 'a message',
    '-c', 'CMD ["cat", "/x"]', '-c', 'ENV A=1 B="two words"', '-c', 'EXPOSE 8080', '-c', 'LABEL l=v', '-c', 'USER 1000',
    '-c', 'WORKDIR /srv', '-c', 'VOLUME /vol', '-c', 'STOPSIGNAL SIGUSR1', 'cm-ch', 'cm-ch-img:v1']))
  const img = inspect('cm-ch-img:v1')
  assert.equal(img.Author, 'Ann <ann@example.com>')
  assert.equal(img.Comment, 'a message')
  assert.deepEqual(img.Config.Cmd, ['cat', '/x'])
  // no Config in the request: the container's config is the base and ENV edits it in place (moby)
  assert.deepEqual(img.Config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'KEEP=1', 'A=1', 'B=two words'])
  // …Hostname, Image and the attach flags included, in the config blob (inspect shows only the image fields)
  const hostname = ok(d.berth(['inspect', '-f', '{{.Config.Hostname}}', 'cm-ch'])).stdout.trim()
  const saved = join(d.dir, 'cm-ch.tar')
  ok(d.berth(['save', '-o', saved, 'cm-ch-img:v1']))
  const untar = (name: string) => spawnSync('tar', ['-xOf', saved, name], { encoding: 'utf8' }).stdout
  const blob = JSON.parse(untar(JSON.parse(untar('manifest.json'))[0].Config))
  assert.deepEqual([blob.config.Hostname, blob.config.Image, blob.config.AttachStdout], [hostname, 'busybox', true])
  assert.deepEqual(img.Config.ExposedPorts, { '8080/tcp': {} })
  assert.deepEqual(img.Config.Labels, { from: 'run', l: 'v' })
  assert.equal(img.Config.User, '1000')
  assert.equal(img.Config.WorkingDir, '/srv')
  assert.deepEqual(img.Config.Volumes, { '/vol': {} })
  assert.equal(img.Config.StopSignal, 'SIGUSR1')
  assert.equal(img.Parent, inspect('busybox').Id)
  const history = ok(d.berth(['history', '--no-trunc', '--format', '{{.CreatedBy}}|{{.Comment}}', 'cm-ch-img:v1'])).stdout.split('\n')
  assert.equal(history[0], 'sh -c echo x > /x|a message')
  // without --change the container's own config is kept
  ok(d.berth(['commit', 'cm-ch', 'cm-ch-img:plain']))
  const plain = inspect('cm-ch-img:plain')
  assert.deepEqual(plain.Config.Cmd, ['sh', '-c', 'echo x > /x'])
  assert.ok(plain.Config.Env.includes('KEEP=1'))
  assert.equal(plain.Author, '')
  ok(d.berth(['rm', 'cm-ch']))
  ok(d.berth(['rmi', 'cm-ch-img:v1', 'cm-ch-img:plain']))
})

test('an unchanged container commits as an empty layer, as Docker does', () => {
  ok(d.berth(['create', '--name', 'cm-empty', 'busybox', 'true']))
  const id = ok(d.berth(['commit', 'cm-empty'])).stdout.trim()
  const img = inspect(id)
  assert.deepEqual(img.RootFS.Layers, inspect('busybox').RootFS.Layers)
  assert.deepEqual(img.RepoTags, [])
  ok(d.berth(['rm', 'cm-empty']))
  ok(d.berth(['rmi', id]))
})

test('committing a running container pauses and resumes it (docker), or leaves it running (berth --pause=false)', () => {
  const name = 'cm-run'
  ok(d.docker(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo live > /live && exec sleep 1000']))
  for (let i = 0; i < 100 && d.berth(['exec', name, 'test', '-f', '/live']).code !== 0; i++) spawnSync('sleep', ['0.05'])
  const since = Math.floor(Date.now() / 1000) - 1
  ok(d.docker(['commit', name, `${name}-img`]))
  ok(d.berth(['commit', '--pause=false', name, `${name}-img2`]))
  assert.equal(ok(d.docker(['inspect', '-f', '{{.State.Status}}', name])).stdout.trim(), 'running')
  const until = Math.floor(Date.now() / 1000) + 1
  const events = ok(d.berth(['events', '--since', String(since), '--until', String(until), '--filter', `container=${name}`, '--format', '{{.Action}} {{.Actor.Attributes.imageRef}}'])).stdout.trim().split('\n')
  assert.deepEqual(events.filter((e) => /^(pause|unpause|commit)/.test(e)), ['pause <no value>', 'unpause <no value>', 'commit cm-run-img:latest', 'commit cm-run-img2:latest'])
  assert.equal(ok(d.berth(['run', '--rm', `${name}-img2`, 'cat', '/live'])).stdout, 'live\n')
  ok(d.berth(['rm', '-f', name]))
  ok(d.berth(['rmi', `${name}-img`, `${name}-img2`]))
})

test('a fixture image container: commit, save, load again keeps whiteouts right', () => {
  ok(d.berth(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')]))
  ok(d.berth(['run', '--name', 'cm-fx', 'fx-whiteouts:1', 'sh', '-c', 'rm -rf /opq && mkdir /opq && echo again > /opq/again && rm /link && echo z > /added']))
  ok(d.docker(['commit', 'cm-fx', 'cm-fx-img']))
  const archive = join(d.dir, 'cm-fx.tar')
  ok(d.berth(['save', '-o', archive, 'cm-fx-img']))
  ok(d.berth(['rm', '-v', 'cm-fx']))
  ok(d.berth(['rmi', 'cm-fx-img', 'fx-whiteouts:1']))
  ok(d.docker(['load', '-i', archive]))
  const r = ok(d.berth(['run', '--rm', 'cm-fx-img', 'sh', '-c', 'ls -A /opq; ls /link 2>&1; cat /added /data/keep/a; ls /data; ls /etc/removed 2>&1; true']))
  assert.equal(r.stdout, 'again\nls: /link: No such file or directory\nz\none\nkeep\nls: /etc/removed: No such file or directory\n')
  ok(d.berth(['rmi', 'cm-fx-img']))
})

test('bad input: unknown container, bad repository name, bad --change; nothing is made', async () => {
  ok(d.berth(['create', '--name', 'cm-bad', 'busybox', 'true']))
  const before = imageCount()
  let r = await d.api('POST', '/commit?container=nope&repo=x')
  assert.equal(r.status, 404)
  assert.deepEqual(r.body, { message: 'No such container: nope' })
  r = await d.api('POST', '/commit?container=cm-bad&repo=Bad_Name')
  assert.equal(r.status, 400)
  assert.equal(r.body.message, 'invalid reference format: repository name (library/Bad_Name) must be lowercase')
  r = await d.api('POST', '/commit?container=cm-bad&changes=FROM%20x')
  assert.equal(r.status, 400)
  assert.equal(r.body.message, 'from is not a valid change command')
  for (const c of ['docker', 'berth'] as const) {
    let e = cli(c, ['commit', 'nope', 'x'])
    assert.deepEqual([e.code, e.stderr], [1, 'Error response from daemon: No such container: nope\n'])
    e = cli(c, ['commit', 'cm-bad', 'Bad_Name'])
    assert.deepEqual([e.code, e.stderr], [1, 'invalid reference format: repository name (library/Bad_Name) must be lowercase\n'])
    e = cli(c, ['commit', '-c', 'NOPE x', 'cm-bad', 'x'])
    assert.deepEqual([e.code, e.stderr], [1, 'Error response from daemon: nope is not a valid change command\n'])
  }
  assert.equal(imageCount(), before)
  // the API's answers as Docker documents them
  const made = await d.api('POST', '/v1.47/commit?container=cm-bad&repo=cm-api&comment=c', { Cmd: ['true'] })
  assert.equal(made.status, 201)
  assert.deepEqual(validateResponse('POST', '/commit', 201, made.body), [], formatMismatches(validateResponse('POST', '/commit', 201, made.body)))
  const img = await d.api('GET', '/v1.47/images/cm-api/json')
  assert.deepEqual(validateResponse('GET', '/images/{name}/json', 200, img.body), [], formatMismatches(validateResponse('GET', '/images/{name}/json', 200, img.body)))
  assert.deepEqual([img.body.Id, img.body.Config.Cmd, img.body.Comment], [made.body.Id, ['true'], 'c'])
  ok(d.berth(['rm', 'cm-bad']))
  ok(d.berth(['rmi', 'cm-api']))
})
