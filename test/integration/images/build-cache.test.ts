// The Dockerfile builder against a real daemon, part two: the build cache, the CLI flags (-q,
// --iidfile, -f, -t, --label), berth and docker giving the same image config, and base images
// pulled from a registry — through berth and the docker CLI's legacy builder (DOCKER_BUILDKIT=0).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmodSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildEnv } from './build-env.js'
import { startRegistry } from '../../helpers/registry.js'

const env = buildEnv('build-cache')
const { context, cliOk, ok, inspect, runIn } = env

test('cache: an unchanged rebuild starts no container; a changed COPY rebuilds from there; --no-cache', () => {
  const dir = context('cache', {
    Dockerfile: 'FROM busybox\nRUN echo one > /one\nCOPY app.txt /app.txt\nRUN cat /app.txt > /copy\nCMD ["cat", "/copy"]\n',
    'app.txt': 'v1\n',
  })
  const first = ok(['build', '-t', 'cached', dir])
  const id1 = inspect('cached', '{{.Id}}')
  const since = (Date.now() / 1000).toFixed(3)
  const again = ok(['build', '-t', 'cached', dir])
  assert.equal((again.match(/^ ---> Using cache$/gm) ?? []).length, 4, again)
  assert.doesNotMatch(again, /Running in/)
  assert.equal(inspect('cached', '{{.Id}}'), id1)
  const events = ok(['events', '--since', since, '--until', (Date.now() / 1000 + 0.5).toFixed(3), '--filter', 'type=container'])
  assert.equal(events, '', 'an unchanged rebuild creates no container')
  assert.match(first, /Running in/)

  writeFileSync(join(dir, 'app.txt'), 'v2\n')
  const changed = ok(['build', '-t', 'cached', dir])
  assert.equal((changed.match(/^ ---> Using cache$/gm) ?? []).length, 1, changed)
  assert.match(changed, /Step 3\/5 : COPY app\.txt \/app\.txt\n ---> [0-9a-f]{12}\n/)
  assert.equal(ok(['run', '--rm', 'cached']), 'v2\n')

  const fresh = ok(['build', '--no-cache', '-t', 'cached', dir])
  assert.doesNotMatch(fresh, /Using cache/)
  // intermediate images stay, untagged, as Docker keeps them; prune still works
  assert.ok(ok(['images', '-a', '-q']).trim().split('\n').length > ok(['images', '-q']).trim().split('\n').length)
  ok(['image', 'prune', '-f'])
})

test('cache: COPY --chmod is part of the key; a changed mode of a source file is too', () => {
  const dir = context('chmod', { Dockerfile: 'FROM busybox\nCOPY --chmod=644 f /f\n', f: 'f\n' })
  ok(['build', '-t', 'chmod', dir])
  assert.equal(runIn('chmod', 'stat -c %a /f'), '644\n')
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY --chmod=755 f /f\n')
  assert.doesNotMatch(ok(['build', '-t', 'chmod', dir]), /Using cache/)
  assert.equal(runIn('chmod', 'stat -c %a /f'), '755\n')
  writeFileSync(join(dir, 'Dockerfile'), 'FROM busybox\nCOPY f /f\n')
  ok(['build', '-t', 'chmod', dir])
  chmodSync(join(dir, 'f'), 0o600)
  assert.doesNotMatch(ok(['build', '-t', 'chmod', dir]), /Using cache/)
  assert.equal(runIn('chmod', 'stat -c %a /f'), '600\n')
})

test('-q prints only the ID, --iidfile writes it, -f names another file, -t twice', () => {
  const dir = context('flags', { 'build.df': 'FROM busybox\nRUN echo q > /q\n' })
  for (const cli of ['berth', 'docker'] as const) {
    const iid = join(env.work, `iid-${cli}`)
    const out = cliOk(cli, ['build', '-q', '--iidfile', iid, '-f', join(dir, 'build.df'), '-t', `one-${cli}`, '-t', `two-${cli}:x`, dir])
    assert.match(out, /^sha256:[0-9a-f]{64}\n$/)
    // docker's CLI keeps the stream's newline in the file when -q is given
    assert.equal(readFileSync(iid, 'utf8').trim(), out.trim())
    assert.equal(inspect(`one-${cli}`, '{{.Id}}'), out.trim())
    assert.equal(inspect(`two-${cli}:x`, '{{.Id}}'), out.trim())
  }
  // --rm=false keeps each step's container, as Docker does
  const kept = ok(['build', '--no-cache', '--rm=false', '-f', join(dir, 'build.df'), dir])
  assert.doesNotMatch(kept, /Removing intermediate container/)
  const left = ok(['ps', '-aq']).trim().split('\n').filter(Boolean)
  assert.equal(left.length, 1, kept)
  ok(['rm', '-f', ...left])
})

test('the same Dockerfile built by berth and by docker gives the same Config', () => {
  const dir = context('same', {
    Dockerfile: 'FROM busybox\nENV X=1\nWORKDIR /w\nCOPY f /w/f\nRUN cat f\nUSER 1\nEXPOSE 80\nLABEL a=b\nCMD ["sh"]\n',
    f: 'f\n',
  })
  cliOk('berth', ['build', '--no-cache', '--label', 'from=cli', '-t', 'same-berth', dir])
  // without -q the docker CLI takes --iidfile's ID from the stream's aux message
  const iid = join(env.work, 'iid-aux')
  cliOk('docker', ['build', '--no-cache', '--iidfile', iid, '--label', 'from=cli', '-t', 'same-docker', dir])
  assert.equal(readFileSync(iid, 'utf8'), inspect('same-docker', '{{.Id}}'))
  const a = inspect('same-berth', '{{json .Config}}')
  assert.equal(inspect('same-docker', '{{json .Config}}'), a)
  assert.deepEqual(JSON.parse(a).Labels, { a: 'b', from: 'cli' })
})

test('a FROM image missing locally is pulled; --pull pulls it again; --network none', async () => {
  const reg = await startRegistry({ netns: env.d.netns })
  try {
    const archive = join(env.work, 'bb.tar')
    ok(['save', '-o', archive, 'busybox'])
    reg.push(`docker-archive:${archive}`, 'base/bb:1')
    const ref = `${reg.host}/base/bb:1`
    const dir = context('pull', { Dockerfile: `FROM ${ref}\nRUN ls /sys/class/net > /nets\n` })
    const out = ok(['build', '--network', 'none', '-t', 'pulled', dir])
    assert.match(out, /Pulling from base\/bb|Download complete|Pull complete|Status: Downloaded newer image/, out)
    assert.equal(inspect(ref, '{{.Id}}').startsWith('sha256:'), true)
    assert.equal(runIn('pulled', 'cat /nets'), 'lo\n')
    const again = ok(['build', '--pull', '-t', 'pulled', dir])
    assert.match(again, /Status: Image is up to date|Pulling from|Already exists/, again)
    assert.match(again, /Using cache/)
    // FROM name@sha256:… names the pulled image by digest
    const digested = inspect(ref, '{{index .RepoDigests 0}}')
    const byDigest = context('digest', { Dockerfile: `FROM ${digested}\nRUN echo by-digest > /d\n` })
    ok(['build', '-t', 'by-digest', byDigest])
    assert.equal(runIn('by-digest', 'cat /d'), 'by-digest\n')
  } finally {
    await reg.stop()
  }
})
