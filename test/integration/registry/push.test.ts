// Push to a real registry (Debian's docker-registry in the daemon's namespace), through both
// CLIs: what a fresh engine pulls back is the same image; a re-push sends nothing; a second
// repository mounts the layers; small layers go in one PUT and large ones in chunked PATCHes;
// --all-tags; Docker's error for a missing image. One daemon (plus a second, empty one for the
// pull-back) and one registry for the whole file.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let fresh: TestDaemon
let reg: TestRegistry
let R: string
const bridges: ChildProcess[] = []

/** Runs a tiny TCP/unix-socket forwarder inside `netns` and waits until it listens. */
function forwarder(netns: string, script: string): Promise<ChildProcess> {
  const p = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', process.execPath, '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] })
  bridges.push(p)
  return new Promise((res, rej) => {
    p.stdout!.once('data', () => res(p))
    p.once('exit', (c) => rej(new Error(`forwarder exited ${c}`)))
  })
}

/** Makes 127.0.0.1:port of `from` reach 127.0.0.1:port of `to` (a unix socket crosses namespaces). */
async function bridgeRegistry(from: string, to: string, port: number, sock: string): Promise<void> {
  const fwd = (listen: string, connect: string) =>
    `const net=require('net');net.createServer(c=>{const u=net.connect(${connect});c.pipe(u).pipe(c);u.on('error',()=>c.destroy());c.on('error',()=>u.destroy())}).listen(${listen},()=>console.log('ready'))`
  await forwarder(to, fwd(JSON.stringify(sock), `${port},'127.0.0.1'`))
  await forwarder(from, fwd(`${port},'127.0.0.1'`, JSON.stringify(sock)))
}

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r.stdout
}
const patches = (repo: string) => reg.log().split('\n').filter((l) => l.includes(`"PATCH /v2/${repo}/blobs/uploads/`)).length
/** The registry's log arrives through this process's event loop, which spawnSync blocks: let it in. */
async function logged(needle: string): Promise<void> {
  for (let i = 0; i < 100 && !reg.log().includes(needle); i++) await new Promise((r) => setTimeout(r, 20))
}
const layerIds = (d: TestDaemon, ref: string) =>
  (JSON.parse(ok(d.berth(['image', 'inspect', ref]), 'inspect'))[0].RootFS.Layers as string[]).map((l) => l.slice(7, 19))

before(async () => {
  d = await startDaemon('push')
  fresh = await startDaemon('push-fresh')
  reg = await startRegistry({ netns: d.netns })
  R = reg.host
  const port = Number(R.split(':')[1])
  await bridgeRegistry(fresh.netns, d.netns, port, join(d.dir, 'registry.sock'))
  // a one-layer image of 12 MiB of random bytes: gzip cannot shrink it below the 8 MiB chunk size
  const src = join(d.dir, 'big-src')
  mkdirSync(src)
  const made = spawnSync('sh', ['-c', `head -c 12582912 /dev/urandom > ${src}/blob && tar -C ${src} -cf ${d.dir}/big.tar blob`], { encoding: 'utf8' })
  assert.equal(made.status, 0, made.stderr)
  ok(d.berth(['import', join(d.dir, 'big.tar'), `${R}/big:1`]), 'import big')
  rmSync(src, { recursive: true })
})

after(async () => {
  await reg?.stop()
  for (const b of bridges) b.kill('SIGKILL')
  await fresh?.cleanup()
  await d?.cleanup()
})

test('push: progress as dockerd, one PUT for a small layer, RepoDigests; a fresh engine pulls the same image', async () => {
  ok(d.berth(['tag', 'busybox', `${R}/a/busybox`]), 'tag')
  const before = patches('a/busybox')
  const out = ok(d.berth(['push', `${R}/a/busybox`]), 'push')
  await logged('"PUT /v2/a/busybox/manifests/latest')
  const [layer] = layerIds(d, 'busybox')
  const m = /^latest: digest: (sha256:[0-9a-f]{64}) size: (\d+)$/m.exec(out)
  assert.ok(m, out)
  assert.equal(out.split('\n').slice(0, 3).join('\n'), `Using default tag: latest\nThe push refers to repository [${R}/a/busybox]\n${layer}: Preparing`)
  assert.match(out, new RegExp(`^${layer}: Pushed$`, 'm'))
  assert.equal(patches('a/busybox'), before, 'a small layer goes in one PUT')
  const digest = m[1]!
  const inspect = JSON.parse(ok(d.berth(['image', 'inspect', 'busybox']), 'inspect'))[0]
  assert.deepEqual(inspect.RepoDigests, [`${R}/a/busybox@${digest}`])

  // the registry serves the manifest berth wrote: Docker schema 2, digest as reported
  const raw = reg.exec(['curl', '-sf', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${reg.url}/v2/a/busybox/manifests/latest`])
  assert.equal(JSON.parse(raw.stdout).mediaType, 'application/vnd.docker.distribution.manifest.v2+json')
  assert.equal(Buffer.byteLength(raw.stdout), Number(m[2]))

  const pulled = fresh.docker(['pull', `${R}/a/busybox`])
  ok(pulled, 'pull on a fresh engine')
  assert.match(pulled.stdout, new RegExp(`Digest: ${digest}`))
  const freshInspect = JSON.parse(ok(fresh.berth(['image', 'inspect', `${R}/a/busybox`]), 'inspect fresh'))[0]
  assert.equal(freshInspect.Id, inspect.Id)
  assert.deepEqual(freshInspect.RepoDigests, [`${R}/a/busybox@${digest}`])
})

test('re-push sends nothing: every layer "Layer already exists", same digest (docker CLI)', () => {
  const first = ok(d.berth(['push', '-q', `${R}/a/busybox:latest`]), 'push -q')
  assert.equal(first, `${R}/a/busybox:latest\n`)
  const out = ok(d.docker(['push', `${R}/a/busybox:latest`]), 'docker push')
  for (const id of layerIds(d, 'busybox')) assert.match(out, new RegExp(`^${id}: Layer already exists$`, 'm'))
  assert.doesNotMatch(out, /Pushed/)
  const digest = /digest: (sha256:\w+)/.exec(out)![1]
  assert.ok(JSON.parse(ok(d.berth(['image', 'inspect', 'busybox']), 'inspect'))[0].RepoDigests.includes(`${R}/a/busybox@${digest}`))
})

test('a second repository mounts the layers from the first', () => {
  ok(d.docker(['tag', 'busybox', `${R}/b/other:1`]), 'tag')
  const out = ok(d.docker(['push', `${R}/b/other:1`]), 'docker push')
  for (const id of layerIds(d, 'busybox')) assert.match(out, new RegExp(`^${id}: Mounted from a/busybox$`, 'm'))
  assert.match(out, /^1: digest: sha256:[0-9a-f]{64} size: \d+$/m)
})

test('a large layer goes in chunked PATCHes; the fresh engine pulls it back intact', async () => {
  const before = patches('big')
  const out = ok(d.berth(['push', `${R}/big:1`]), 'push big')
  await logged('"PUT /v2/big/manifests/1')
  assert.match(out, /: Pushed$/m)
  assert.ok(patches('big') - before >= 2, `expected chunked PATCHes, saw ${patches('big') - before}:\n${reg.log().split('\n').filter((l) => l.includes('/v2/big/')).join('\n')}`)
  ok(fresh.berth(['pull', `${R}/big:1`]), 'pull big')
  const id = (t: TestDaemon) => JSON.parse(ok(t.berth(['image', 'inspect', `${R}/big:1`]), 'inspect'))[0].Id
  assert.equal(id(fresh), id(d))
})

test('--all-tags pushes every tag of the repository', () => {
  ok(d.berth(['tag', 'busybox', `${R}/multi:one`]), 'tag')
  ok(d.berth(['tag', `${R}/big:1`, `${R}/multi:two`]), 'tag')
  const out = ok(d.berth(['push', '--all-tags', `${R}/multi`]), 'push -a')
  assert.match(out, /^one: digest: sha256:\w+ size: \d+$/m)
  assert.match(out, /^two: digest: sha256:\w+ size: \d+$/m)
  assert.doesNotMatch(out, /Using default tag/)
  const tags = reg.exec(['curl', '-sf', `${reg.url}/v2/multi/tags/list`])
  assert.deepEqual(JSON.parse(tags.stdout).tags.sort(), ['one', 'two'])
  const bad = d.berth(['push', '-a', `${R}/multi:one`])
  assert.equal(bad.code, 1)
  assert.equal(bad.stderr.trim(), "tag can't be used with --all-tags/-a")
})

test('pushing an image that does not exist: Docker\'s message, exit 1, both CLIs', () => {
  for (const cli of [d.berth, d.docker]) {
    const r = cli(['push', `${R}/nothing:here`])
    assert.equal(r.code, 1)
    assert.match(r.stdout, new RegExp(`The push refers to repository \\[${R}/nothing\\]`))
    assert.equal(r.stderr.trim(), `An image does not exist locally with the tag: ${R}/nothing`)
  }
})
