// Login, logout and authenticated push/pull against real registries: basic auth (htpasswd) and
// token auth, through both CLIs sharing one config.json (DOCKER_CONFIG of the test daemon), and a
// TLS registry whose test CA berthd trusts through --registry-certs-dir; prompts on a terminal.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { BERTH, startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, type TestRegistry } from '../../helpers/registry.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'

let d: TestDaemon
let basic: TestRegistry
let token: TestRegistry
let certsDir: string

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r.stdout
}
const configFile = () => join(d.env.DOCKER_CONFIG!, 'config.json')
const auths = (): Record<string, { auth?: string }> => (existsSync(configFile()) ? JSON.parse(readFileSync(configFile(), 'utf8')).auths ?? {} : {})

before(async () => {
  certsDir = join('/tmp', `berth-certs-${process.pid}`)
  d = await startDaemon('login', ['--registry-certs-dir', certsDir])
  basic = await startRegistry({ netns: d.netns, auth: 'basic', users: { alice: 's3cret' } })
  token = await startRegistry({ netns: d.netns, auth: 'token', users: { bob: 'hunter2' } })
})

after(async () => {
  await basic?.stop()
  await token?.stop()
  await d?.cleanup()
  rmSync(certsDir, { recursive: true, force: true })
})

test('basic auth, berth CLI: push refused without login; wrong password stores nothing; login, push, pull, logout', () => {
  const R = basic.host
  ok(d.berth(['tag', 'busybox', `${R}/private/bb:1`]), 'tag')
  // dockerd's words: the registry client's error inside Go's url.Error
  for (const cli of [d.berth, d.docker]) {
    const anon = cli(['push', `${R}/private/bb:1`])
    assert.equal(anon.code, 1)
    assert.match(anon.stderr, new RegExp(`^(Head|Post) "http://${R}/v2/private/bb/blobs/[^"]*": no basic auth credentials\n$`))
  }

  const wrong = d.berth(['login', '-u', 'alice', '--password-stdin', R], { input: 'nope\n' })
  assert.equal(wrong.code, 1)
  assert.equal(wrong.stderr.trim(), `Error response from daemon: login attempt to http://${R}/v2/ failed with status: 401 Unauthorized`)
  assert.equal(auths()[R], undefined)

  const good = d.berth(['login', '-u', 'alice', '--password-stdin', R], { input: 's3cret\n' })
  ok(good, 'login')
  assert.equal(good.stdout, 'Login Succeeded\n')
  assert.match(good.stderr, /WARNING! Your credentials are stored unencrypted in '.*config\.json'/)
  assert.deepEqual(auths()[R], { auth: Buffer.from('alice:s3cret').toString('base64') })
  assert.equal(statSync(configFile()).mode & 0o777, 0o600)
  assert.equal(statSync(d.env.DOCKER_CONFIG!).mode & 0o777, 0o700)

  const pushed = ok(d.berth(['push', `${R}/private/bb:1`]), 'push after login')
  assert.match(pushed, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m)
  ok(d.berth(['rmi', `${R}/private/bb:1`]), 'rmi')
  ok(d.berth(['pull', `${R}/private/bb:1`]), 'pull after login')

  assert.equal(ok(d.berth(['logout', R]), 'logout'), `Removing login credentials for ${R}\n`)
  assert.equal(auths()[R], undefined)
  ok(d.berth(['rmi', `${R}/private/bb:1`]), 'rmi')
  const pullAnon = d.berth(['pull', `${R}/private/bb:1`])
  assert.equal(pullAnon.code, 1, pullAnon.stdout)
})

test('basic auth, docker CLI: the same logins, seen by both CLIs', () => {
  const R = basic.host
  const warned = d.docker(['login', '-u', 'alice', '-p', 's3cret', R])
  ok(warned, 'docker login -p')
  assert.match(warned.stderr, /^WARNING! Using --password via the CLI is insecure\. Use --password-stdin\.$/m)
  assert.equal(warned.stdout, 'Login Succeeded\n')
  // berth pushes with what docker stored
  ok(d.berth(['tag', 'busybox', `${R}/private/bb:2`]), 'tag')
  ok(d.berth(['push', `${R}/private/bb:2`]), 'berth push with docker\'s login')
  ok(d.docker(['push', `${R}/private/bb:2`]), 'docker push')
  ok(d.docker(['rmi', `${R}/private/bb:2`]), 'rmi')
  assert.match(ok(d.docker(['pull', `${R}/private/bb:2`]), 'docker pull with the login'), /Digest: sha256:/)
  const mine = d.berth(['login', '-u', 'alice', '-p', 's3cret', R])
  assert.match(mine.stderr, /^WARNING! Using --password via the CLI is insecure\. Use --password-stdin\.$/m)
  assert.equal(ok(d.docker(['logout', R]), 'docker logout'), `Removing login credentials for ${R}\n`)
  assert.equal(auths()[R], undefined)
  const wrong = d.docker(['login', '-u', 'alice', '--password-stdin', R], { input: 'nope\n' })
  assert.equal(wrong.code, 1)
  assert.match(wrong.stderr, /login attempt to http:\/\/.*\/v2\/ failed with status: 401 Unauthorized/)
  assert.equal(auths()[R], undefined)
})

test('POST /auth answers in Docker\'s shape (schema v1.47) and refuses with a message', async () => {
  const good = await d.api('POST', '/v1.47/auth', { username: 'alice', password: 's3cret', serveraddress: basic.host })
  assert.equal(good.status, 200, good.text)
  assert.deepEqual(good.body, { Status: 'Login Succeeded', IdentityToken: '' })
  const bad = validateResponse('POST', '/auth', 200, good.body)
  assert.deepEqual(bad, [], formatMismatches(bad))
  // dockerd: a plain error from loginV2 for a Basic registry (500); a token server's refusal is errdefs.Unauthorized (401)
  const refused = await d.api('POST', '/v1.47/auth', { username: 'alice', password: 'x', serveraddress: basic.host })
  assert.equal(refused.status, 500)
  assert.deepEqual(refused.body, { message: `login attempt to http://${basic.host}/v2/ failed with status: 401 Unauthorized` })
  assert.equal(auths()[basic.host], undefined, 'the daemon stores nothing')
  const refusedToken = await d.api('POST', '/v1.47/auth', { username: 'bob', password: 'x', serveraddress: token.host })
  assert.equal(refusedToken.status, 401)
  assert.deepEqual(refusedToken.body, { message: `Get "http://${token.host}/v2/": unauthorized: incorrect username or password` })
})

test('flag errors as the docker CLI', () => {
  const both = d.berth(['login', '-p', 'x', '--password-stdin', basic.host])
  assert.equal(both.code, 1)
  assert.equal(both.stderr.trim(), 'conflicting options: cannot specify both --password and --password-stdin')
  const noUser = d.berth(['login', '--password-stdin', basic.host])
  assert.equal(noUser.stderr.trim(), 'the --password-stdin option requires --username to be set')
  const noTty = d.berth(['login', basic.host])
  assert.equal(noTty.code, 1)
  assert.equal(noTty.stderr.trim(), 'Error: Cannot perform an interactive login from a non TTY device')
})

test('on a terminal both CLIs prompt for the username and password (script(1) provides the pty)', () => {
  const R = basic.host
  for (const cli of [BERTH, 'docker']) {
    ok(d.berth(['logout', R]), 'logout')
    const r = spawnSync('script', ['-qec', `${cli} login ${R}`, '/dev/null'], { env: d.env, encoding: 'utf8', input: 'alice\ns3cret\n', timeout: 30_000 })
    assert.equal(r.status, 0, `${cli}: ${r.stdout}`)
    assert.match(r.stdout, /Username: Password: /)
    assert.match(r.stdout, /Login Succeeded\r\n$/)
    assert.deepEqual(auths()[R], { auth: Buffer.from('alice:s3cret').toString('base64') })
  }
  ok(d.berth(['logout', R]), 'logout')
})

test('token auth: login and push with a bearer token, a mount across repositories', () => {
  const R = token.host
  for (const cli of [d.berth, d.docker]) {
    const wrong = cli(['login', '-u', 'bob', '--password-stdin', R], { input: 'wrong\n' })
    assert.equal(wrong.code, 1)
    assert.equal(wrong.stderr.trim(), `Error response from daemon: Get "http://${R}/v2/": unauthorized: incorrect username or password`)
    assert.equal(auths()[R], undefined)
  }
  // stored credentials the token server refuses: a 401, which both CLIs tell apart from other failures
  for (const cli of [d.berth, d.docker]) {
    mkdirSync(d.env.DOCKER_CONFIG!, { recursive: true })
    writeFileSync(configFile(), JSON.stringify({ auths: { [R]: { auth: Buffer.from('bob:stale').toString('base64') } } }))
    const stale = cli(['login', R])
    assert.equal(stale.code, 1)
    assert.match(stale.stderr, /^Stored credentials invalid or expired$/m)
    rmSync(configFile())
  }
  // anonymous: the token server grants nothing and the registry's challenge says insufficient_scope
  ok(d.berth(['tag', 'busybox', `${R}/tok/anon:1`]), 'tag')
  for (const cli of [d.berth, d.docker]) {
    const anon = cli(['push', `${R}/tok/anon:1`])
    assert.equal(anon.code, 1)
    assert.match(anon.stderr, /^denied: requested access to the resource is denied\n$/)
  }
  ok(d.berth(['login', '-u', 'bob', '--password-stdin', R], { input: 'hunter2\n' }), 'login')
  ok(d.berth(['tag', 'busybox', `${R}/tok/bb:1`]), 'tag')
  const out = ok(d.docker(['push', `${R}/tok/bb:1`]), 'push')
  assert.match(out, /^1: digest: sha256:/m)
  // a mount needs a token that also covers pulling from the source repository
  ok(d.berth(['tag', 'busybox', `${R}/tok/other:1`]), 'tag')
  assert.match(ok(d.berth(['push', `${R}/tok/other:1`]), 'push to a second repository'), /: Mounted from tok\/bb$/m)
  ok(d.berth(['logout', R]), 'logout')
})

test('TLS registry with a test CA trusted through --registry-certs-dir', async () => {
  const reg = await startRegistry({ netns: d.netns, tls: true, address: '198.51.100.7', auth: 'basic', users: { carol: 'pw' } })
  try {
    const R = reg.host
    ok(d.berth(['tag', 'busybox', `${R}/tls/bb:1`]), 'tag')
    const untrusted = d.berth(['login', '-u', 'carol', '--password-stdin', R], { input: 'pw\n' })
    assert.equal(untrusted.code, 1)
    assert.match(untrusted.stderr, /x509: certificate signed by unknown authority/)
    mkdirSync(join(certsDir, R), { recursive: true })
    copyFileSync(reg.caFile!, join(certsDir, R, 'ca.crt'))
    ok(d.berth(['login', '-u', 'carol', '--password-stdin', R], { input: 'pw\n' }), 'login over TLS')
    assert.match(ok(d.berth(['push', `${R}/tls/bb:1`]), 'push over TLS'), /^1: digest: sha256:/m)
    ok(d.berth(['logout', R]), 'logout')
  } finally {
    await reg.stop()
  }
})
