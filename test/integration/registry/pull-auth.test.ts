// Pull from registries that want credentials or TLS: basic auth (htpasswd), token auth (a test
// token server), a TLS registry on a "secure" address whose CA berthd learns from
// --registry-certs-dir, and the same CA unknown (refused) or on 127.0.0.1 (insecure: accepted).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { apiPull, startRegistry, writeTestArchive, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let certsDir: string
const registries: TestRegistry[] = []
let archive: { id: string; diffIds: string[] }
let archiveFile: string

const start = async (opts: Parameters<typeof startRegistry>[0]) => {
  const r = await startRegistry({ netns: d.netns, ...opts })
  registries.push(r)
  return r
}
const creds = (reg: TestRegistry) => ({ username: 'testuser', password: reg.users.testuser!, serveraddress: reg.host })
const imageId = (ref: string) => d.berth(['image', 'inspect', '--format', '{{.Id}}', ref]).stdout.trim()

before(async () => {
  certsDir = mkdtempSync('/tmp/berth-certs-')
  d = await startDaemon('reg-auth', ['--registry-certs-dir', certsDir])
  archiveFile = join(d.dir, 'img.tar')
  archive = await writeTestArchive(archiveFile, 'x/private:1', [[{ path: 'etc/secret.txt', content: 'only with credentials\n' }]])
})

after(async () => {
  for (const r of registries) await r.stop()
  await d?.cleanup()
  rmSync(certsDir, { recursive: true, force: true })
})

test('basic auth: refused without credentials, pulled with X-Registry-Auth and with the docker CLI login file', async () => {
  const reg = await start({ auth: 'basic' })
  reg.push(`docker-archive:${archiveFile}`, 'x/private:1')
  const ref = `${reg.host}/x/private:1`

  const anon = d.berth(['pull', ref])
  assert.equal(anon.code, 1)
  assert.equal(anon.stderr.split('\n')[0], `Error response from daemon: Get "http://${reg.host}/v2/x/private/manifests/1": no basic auth credentials`)
  // dockerd: Go's auth transport fails the request (a 500); the registry's refusal is errdefs.Unauthorized (a 401)
  const anonApi = await apiPull(d.socket, ref)
  assert.equal(anonApi.status, 500)
  const wrong = await apiPull(d.socket, ref, { auth: { ...creds(reg), password: 'nope' } })
  assert.equal(wrong.status, 401)
  assert.equal(wrong.body.message, 'unauthorized: authentication required')

  const ok = await apiPull(d.socket, ref, { auth: creds(reg) })
  assert.equal(ok.status, 200)
  assert.equal(ok.lines.at(-1)!.status, `Status: Downloaded newer image for ${ref}`)
  assert.equal(imageId(ref), archive.id)

  // the docker CLI sends what its config.json holds for that registry
  assert.equal(d.berth(['rmi', ref]).code, 0)
  mkdirSync(d.env.DOCKER_CONFIG!, { recursive: true })
  writeFileSync(join(d.env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ auths: { [reg.host]: { auth: Buffer.from(`testuser:${reg.users.testuser}`).toString('base64') } } }))
  const viaDocker = d.docker(['pull', ref])
  assert.equal(viaDocker.code, 0, viaDocker.stderr)
  assert.equal(imageId(ref), archive.id)
  assert.equal(d.berth(['rmi', ref]).code, 0)
  const viaBerth = d.berth(['pull', ref]) // the same file, read by berth's CLI
  assert.equal(viaBerth.code, 0, viaBerth.stderr)
  assert.equal(imageId(ref), archive.id)
  rmSync(join(d.env.DOCKER_CONFIG!, 'config.json'))
})

test('token auth: anonymous is denied, credentials get a scoped token that is reused until it expires', async () => {
  const reg = await start({ auth: 'token' })
  reg.push(`docker-archive:${archiveFile}`, 'x/private:1')
  const ref = `${reg.host}/x/private:1`
  // skopeo's own requests (pull,push) may still be in the pipe: count this daemon's pull tokens only
  const pullTokens = () => reg.tokenRequests().filter((t) => t.user === 'testuser' && !t.denied && t.scopes.join() === 'repository:x/private:pull')

  const anon = d.docker(['pull', ref])
  assert.equal(anon.code, 1)
  // the registry's challenge says error="insufficient_scope": Docker's client reads that as DENIED
  assert.match(anon.stderr, /Error response from daemon: pull access denied for .*x\/private, repository does not exist or may require 'docker login': denied: requested access to the resource is denied\n/)
  assert.equal((await apiPull(d.socket, ref)).status, 404)

  const ok = await apiPull(d.socket, ref, { auth: creds(reg) })
  assert.equal(ok.status, 200, JSON.stringify(ok.lines))
  assert.equal(imageId(ref), archive.id)
  await new Promise((r) => setTimeout(r, 200)) // the token server's log lines arrive through a pipe
  assert.equal(pullTokens().length, 1)

  const again = await apiPull(d.socket, ref, { auth: creds(reg) })
  assert.equal(again.lines.at(-1)!.status, `Status: Image is up to date for ${ref}`)
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(pullTokens().length, 1, 'the cached token was used')

  const bad = await apiPull(d.socket, ref, { auth: { ...creds(reg), password: 'wrong' } })
  assert.equal(bad.status, 401)
  // as Docker: the request that needed the token, then the token server's refusal
  assert.equal(bad.body.message, `Get "http://${reg.host}/v2/x/private/manifests/1": unauthorized: incorrect username or password`)
})

test('TLS: a secure registry with an unknown CA is refused; its ca.crt in the certs dir makes it work', async () => {
  const reg = await start({ tls: true, address: '198.51.100.7' })
  reg.push(`docker-archive:${archiveFile}`, 'x/tls:1')
  const ref = `${reg.host}/x/tls:1`

  const refused = d.docker(['pull', ref])
  assert.equal(refused.code, 1)
  assert.equal(refused.stderr, `Error response from daemon: Get "https://${reg.host}/v2/": tls: failed to verify certificate: x509: certificate signed by unknown authority\n`)

  mkdirSync(join(certsDir, reg.host))
  copyFileSync(reg.caFile!, join(certsDir, reg.host, 'ca.crt'))
  const ok = d.berth(['pull', ref])
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(imageId(ref), archive.id)
})

test('TLS on 127.0.0.1 is insecure by default, as in Docker: an unknown CA is not checked', async () => {
  const reg = await start({ tls: true })
  reg.push(`docker-archive:${archiveFile}`, 'x/local-tls:1')
  const ok = d.docker(['pull', `${reg.host}/x/local-tls:1`])
  assert.equal(ok.code, 0, ok.stderr)
})

test('TLS client certificates: a registry that requires one gets client.cert/client.key from the certs dir', async () => {
  const reg = await start({ tls: true, clientCerts: true, address: '198.51.100.8' })
  reg.push(`docker-archive:${archiveFile}`, 'x/mtls:1')
  const ref = `${reg.host}/x/mtls:1`
  mkdirSync(join(certsDir, reg.host))
  copyFileSync(reg.caFile!, join(certsDir, reg.host, 'ca.crt'))
  const refused = d.berth(['pull', ref])
  assert.equal(refused.code, 1)
  assert.match(refused.stderr, new RegExp(`^Error response from daemon: Get "https://${reg.host.replace(/\./g, '\\.')}/v2/": remote error: tls: (certificate required|bad certificate)\n`))
  copyFileSync(reg.clientCert!, join(certsDir, reg.host, 'client.cert'))
  copyFileSync(reg.clientKey!, join(certsDir, reg.host, 'client.key'))
  const ok = d.docker(['pull', ref])
  assert.equal(ok.code, 0, ok.stderr)
  assert.equal(imageId(ref), archive.id)
})
