// The Dockerfile builder against a real daemon, part three: ADD <url> (berthd downloads from an
// HTTP server this file starts on 127.0.0.1 in the daemon's network namespace) and the legacy
// builder's options for RUN containers (--network, --add-host, --memory, --cpu-shares, --ulimit,
// --shm-size, --rm/--force-rm), the ones Docker accepts or refuses (--cache-from, --squash) and
// --build-arg NAME from the environment, through berth and the docker CLI's legacy builder
// (DOCKER_BUILDKIT=0); ADD of a local zstd tar.
import { after, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { buildEnv } from './build-env.js'

const env = buildEnv('build-run-options')
const { context, cliOk, ok, runIn } = env

const PORT = 18765
const URL = `http://127.0.0.1:${PORT}`
const LAST_MODIFIED = 'Wed, 21 Oct 2015 07:28:00 GMT'
const LAST_MODIFIED_EPOCH = String(Date.parse(LAST_MODIFIED) / 1000)

// /files/<name> serves <root>/<name> with a fixed Last-Modified, /noname/ a body without a
// file name, anything else a 404 with a body.
const SERVER = `
const http = require('node:http'), fs = require('node:fs'), path = require('node:path')
const [root, port, lastModified] = process.argv.slice(1)
http.createServer((req, res) => {
  if (req.url.startsWith('/files/')) {
    try {
      const body = fs.readFileSync(path.join(root, path.basename(req.url)))
      res.writeHead(200, { 'Last-Modified': lastModified })
      return res.end(body)
    } catch {}
  }
  if (req.url === '/noname/') return res.end('unnamed\\n')
  res.writeHead(404)
  res.end('not here\\n')
}).listen(Number(port), '127.0.0.1', () => console.log('ready'))
`

let server: ChildProcess | undefined
let served = ''
let serving: Promise<void> | undefined
// started by the first test that needs it: the daemon (and its namespace) come from buildEnv's hook
const withServer = () => (serving ??= startServer())
async function startServer(): Promise<void> {
  served = join(env.work, 'served')
  mkdirSync(served)
  writeFileSync(join(served, 'hello.txt'), 'hello from http\n')
  spawnSync('tar', ['-C', served, '-cf', join(served, 'app.tar'), 'hello.txt'])
  server = spawn('nsenter', [`--net=/run/netns/${env.d.netns}`, '--', process.execPath, '-e', SERVER, served, String(PORT), LAST_MODIFIED], { stdio: ['ignore', 'pipe', 'inherit'] })
  await new Promise<void>((resolve, reject) => {
    server!.stdout!.once('data', () => resolve())
    server!.once('exit', (code) => reject(new Error(`the test HTTP server exited with ${code}`)))
  })
}
after(() => {
  server?.kill()
})

test('ADD <url>: downloaded by berthd, 0600, Last-Modified, named from the URL, never extracted, cached by content', async () => {
  await withServer()
  const dir = context('add-url', {
    Dockerfile: [
      'FROM busybox',
      `ADD ${URL}/files/hello.txt /dl/`,
      `ADD ${URL}/files/app.tar /t/`,
      `ADD ${URL}/noname/ /named`,
      '',
    ].join('\n'),
  })
  const expected = [
    `600 0:0 ${LAST_MODIFIED_EPOCH} /dl/hello.txt`,
    `600 0:0 ${LAST_MODIFIED_EPOCH} /t/app.tar`,
    '600 0:0 0 /named', // no Last-Modified: the epoch
    'hello from http',
    'unnamed',
    '',
  ].join('\n')
  for (const cli of ['berth', 'docker'] as const) {
    const out = cliOk(cli, ['build', '-t', `add-url-${cli}`, dir])
    // the second CLI's build downloads again and finds the same content in the cache
    if (cli === 'docker') assert.equal((out.match(/^ ---> Using cache$/gm) ?? []).length, 3, out)
    assert.equal(runIn(`add-url-${cli}`, "stat -c '%a %u:%g %Y %n' /dl/hello.txt /t/app.tar /named; cat /dl/hello.txt /named"), expected)
  }
  const history = ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'add-url-berth'])
  assert.match(history, /^\/bin\/sh -c #\(nop\) ADD file:[0-9a-f]{64} in \/dl\/ $/m)

  writeFileSync(join(served, 'hello.txt'), 'changed\n')
  const changed = ok(['build', '-t', 'add-url-berth', dir])
  assert.equal((changed.match(/^ ---> Using cache$/gm) ?? []).length, 0, changed)
  assert.equal(runIn('add-url-berth', 'cat /dl/hello.txt'), 'changed\n')
})

test('ADD extracts a local zstd tar (as a gzip or plain one), found by content, not name', () => {
  // `zstd -c` of a tar holding x.txt ("x")
  const zstdTar = Buffer.from('KLUv/WQAJ/0BAKKCCA3QPYCIlgFGKjNUxEwB7y9iHiBvlX+B05SMXD5yIpNvb3QLILCZB/uFx+dpjAFg/59pjw7ggEEDbKcABztau9U=', 'base64')
  const dir = context('add-zstd', { Dockerfile: 'FROM busybox\nADD payload.bin /z/\nCOPY payload.bin /c/\n' })
  writeFileSync(join(dir, 'payload.bin'), zstdTar)
  for (const cli of ['berth', 'docker'] as const) {
    cliOk(cli, ['build', '-t', `add-zstd-${cli}`, dir])
    assert.equal(runIn(`add-zstd-${cli}`, 'cat /z/x.txt; echo; ls /z /c'), 'x\n/c:\npayload.bin\n\n/z:\nx.txt\n')
  }
})

test('ADD <url>: a 404, a refused connection and an unnamed source into a directory fail with Docker text', async () => {
  await withServer()
  const cases: Array<[string, RegExp]> = [
    [`ADD ${URL}/missing /x`, new RegExp(`ADD failed: failed to GET ${URL}/missing with status 404 Not Found: not here`)],
    ['ADD http://127.0.0.1:1/x /x', /ADD failed: Get "http:\/\/127\.0\.0\.1:1\/x": dial tcp 127\.0\.0\.1:1: connect: connection refused/],
    [`ADD ${URL}/noname/ /dir/`, new RegExp(`ADD failed: cannot determine filename for source ${URL}/noname/`)],
    [`COPY ${URL}/files/hello.txt /x`, /COPY failed: source can't be a URL for COPY/],
  ]
  for (const [i, [line, message]] of cases.entries()) {
    const dir = context(`add-url-bad-${i}`, { Dockerfile: `FROM busybox\n${line}\n` })
    for (const cli of ['berth', 'docker'] as const) {
      const r = env.d[cli](['build', dir], { timeoutMs: 120_000 })
      assert.equal(r.code, 1, `${cli}: ${r.stdout}\n${r.stderr}`)
      assert.match(r.stderr, message, `${cli}: ${r.stderr}`)
    }
  }
  assert.equal(ok(['ps', '-aq']), '')
})

test('RUN containers get --add-host, --memory, --cpu-shares, --ulimit, --shm-size; --network host reaches the host', async () => {
  await withServer()
  const dir = context('run-opts', {
    Dockerfile: [
      'FROM busybox',
      "RUN cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/cpu/cpu.shares > /opts; ulimit -n >> /opts; ulimit -Hn >> /opts; df -k /dev/shm | tail -1 | awk '{print $2}' >> /opts; grep -w myhost /etc/hosts >> /opts",
      '',
    ].join('\n'),
  })
  const flags = ['--add-host', 'myhost:10.9.8.7', '--memory', '64m', '--cpu-shares', '512', '--ulimit', 'nofile=100:200', '--shm-size', '8m']
  for (const cli of ['berth', 'docker'] as const) {
    cliOk(cli, ['build', '--no-cache', ...flags, '-t', `run-opts-${cli}`, dir])
    assert.equal(runIn(`run-opts-${cli}`, 'cat /opts'), `${64 * 1024 * 1024}\n512\n100\n200\n8192\n10.9.8.7\tmyhost\n`)
  }
  // 127.0.0.1 is the daemon's own loopback only with the host's network
  const host = context('run-host', { Dockerfile: `FROM busybox\nRUN wget -q -O /got ${URL}/files/app.tar && echo reached\n` })
  for (const cli of ['berth', 'docker'] as const) {
    const out = cliOk(cli, ['build', '--no-cache', '--network', 'host', host])
    assert.match(out, /^reached$/m)
    const r = env.d[cli](['build', '--no-cache', host], { timeoutMs: 120_000 })
    assert.notEqual(r.code, 0, `${cli}: the bridge's 127.0.0.1 is the container's own`)
  }
  // the failed builds above leave their RUN container, as Docker's do without --force-rm
  const left = ok(['ps', '-aq']).trim().split('\n').filter(Boolean)
  assert.equal(left.length, 2)
  ok(['rm', '-f', ...left])
})

test('--force-rm removes a failed step\'s container, --rm=false keeps a good one; --cache-from is accepted, --squash refused', async () => {
  const dir = context('force-rm', { Dockerfile: 'FROM busybox\nRUN echo fine\nRUN exit 4\n' })
  const good = context('keep', { Dockerfile: 'FROM busybox\nRUN echo kept\n' })
  const containers = () => ok(['ps', '-aq']).trim().split('\n').filter(Boolean)
  for (const cli of ['berth', 'docker'] as const) {
    const kept = env.d[cli](['build', '--no-cache', dir], { timeoutMs: 120_000 })
    assert.equal(kept.code, 4, kept.stderr)
    assert.match(kept.stdout, /^Removing intermediate container [0-9a-f]{12}$/m)
    assert.equal(containers().length, 1)
    ok(['rm', '-f', ...containers()])

    const forced = env.d[cli](['build', '--no-cache', '--force-rm', dir], { timeoutMs: 120_000 })
    assert.equal(forced.code, 4, forced.stderr)
    assert.equal((forced.stdout.match(/^Removing intermediate container/gm) ?? []).length, 2, forced.stdout)
    assert.equal(ok(['ps', '-aq']), '')

    const noRm = cliOk(cli, ['build', '--no-cache', '--rm=false', '--cache-from', 'busybox', good])
    assert.doesNotMatch(noRm, /Removing intermediate container/)
    assert.equal(containers().length, 1)
    ok(['rm', '-f', ...containers()])
  }
  const squash = context('squash', { Dockerfile: 'FROM busybox\nRUN true\n' })
  // both CLIs refuse before sending anything; the daemon refuses squash=1 sent by hand
  for (const cli of ['berth', 'docker'] as const) {
    const r = env.d[cli](['build', '--squash', squash])
    assert.equal(r.code, 1, r.stderr)
    assert.match(r.stderr, /^"--squash" is only supported on a Docker daemon with experimental features enabled$/m)
  }
  const api = await env.d.api('POST', '/v1.47/build?squash=1')
  assert.equal(api.status, 400)
  assert.equal(api.body.message, 'squash is only supported with experimental mode')
  assert.deepEqual(containers(), [])
})

test('--build-arg NAME without a value takes it from the client environment; unset, the default stays', () => {
  const dir = context('arg-env', { Dockerfile: 'FROM busybox\nARG FROM_ENV\nARG UNSET_ARG=default\nRUN echo "$FROM_ENV/$UNSET_ARG" > /a\n' })
  env.d.env.FROM_ENV = 'from-env'
  delete env.d.env.UNSET_ARG
  try {
    for (const cli of ['berth', 'docker'] as const) {
      cliOk(cli, ['build', '--no-cache', '--build-arg', 'FROM_ENV', '--build-arg', 'UNSET_ARG', '-t', `arg-env-${cli}`, dir])
      assert.equal(runIn(`arg-env-${cli}`, 'cat /a'), 'from-env/default\n')
    }
  } finally {
    delete env.d.env.FROM_ENV
  }
})
