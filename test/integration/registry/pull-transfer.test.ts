// How pull moves bytes: a corrupt blob fails the pull and stores nothing; two concurrent pulls of
// one image download each blob once and unpack each layer once; a connection cut mid-blob is
// resumed with a Range request; an image saved by berth and pushed by skopeo comes back as the
// same image.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { apiPull, listTree, startProxy, startRegistry, writeTestArchive, type TestProxy, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let reg: TestRegistry
const proxies: TestProxy[] = []

function manifestOf(repoTag: string): { layers: Array<{ digest: string; size: number }> } {
  const [repo, tag] = repoTag.split(':')
  return JSON.parse(reg.exec(['curl', '-sf', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${reg.url}/v2/${repo}/manifests/${tag}`]).stdout)
}
const blobGets = (p: TestProxy, digest: string) => p.requests().filter((r) => r.method === 'GET' && r.url.endsWith(`/blobs/${digest}`))
const settle = () => new Promise((r) => setTimeout(r, 300)) // proxy log lines arrive through a pipe
const stored = () => ({
  images: d.berth(['images', '-aq', '--no-trunc']).stdout.split('\n').sort(),
  layers: listTree(join(d.dataRoot, 'layers')),
  blobs: listTree(join(d.dataRoot, 'blobs')),
  tmp: listTree(join(d.dataRoot, 'tmp')),
})

before(async () => {
  d = await startDaemon('reg-transfer')
  reg = await startRegistry({ netns: d.netns })
})

after(async () => {
  for (const p of proxies) await p.stop()
  await reg?.stop()
  await d?.cleanup()
})

test('a blob corrupted in the registry fails the pull with a digest error and stores nothing', async () => {
  await writeTestArchive(join(d.dir, 'c.tar'), 'x/corrupt:1', [
    [{ path: 'etc/fine.txt', content: 'fine\n' }],
    [{ path: 'data.bin', content: randomBytes(300_000) }],
  ])
  reg.push(`docker-archive:${join(d.dir, 'c.tar')}`, 'x/corrupt:1')
  const bad = manifestOf('x/corrupt:1').layers[1]!
  const hex = bad.digest.slice(7)
  const data = join(reg.storageDir, 'docker/registry/v2/blobs/sha256', hex.slice(0, 2), hex, 'data')
  const bytes = readFileSync(data)
  bytes[bytes.length >> 1] ^= 0xff // same size, other content
  writeFileSync(data, bytes)

  const snapshot = stored()
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['pull', `${reg.host}/x/corrupt:1`])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`filesystem layer verification failed for digest ${bad.digest}`))
    assert.deepEqual(stored(), snapshot)
  }
})

test('two concurrent pulls of one image download each blob once and unpack it once, with Downloading and Extracting progress', async () => {
  await writeTestArchive(join(d.dir, 'big.tar'), 'x/big:1', [
    [{ path: 'etc/small.txt', content: 'small\n' }],
    [{ path: 'big.bin', content: randomBytes(12 << 20) }],
  ])
  reg.push(`docker-archive:${join(d.dir, 'big.tar')}`, 'x/big:1')
  const proxy = await startProxy(reg, { netns: d.netns })
  proxies.push(proxy)
  const ref = `${proxy.host}/x/big`
  const [a, b] = await Promise.all([apiPull(d.socket, ref, { tag: '1' }), apiPull(d.socket, ref, { tag: '1' })])
  for (const r of [a, b]) {
    assert.equal(r.status, 200)
    assert.match(r.lines.at(-1)!.status ?? JSON.stringify(r.lines.at(-1)), new RegExp(`^Status: (Downloaded newer image|Image is up to date) for ${ref}:1$`))
  }
  await settle()
  const layers = manifestOf('x/big:1').layers
  for (const l of layers) assert.equal(blobGets(proxy, l.digest).length, 1, `GETs of ${l.digest}`)

  const big = layers[1]!
  const id = big.digest.slice(7, 19)
  // both pulls set out to fetch the big layer, and it crossed the wire once: they shared it
  for (const r of [a, b]) assert.ok(r.lines.some((m) => m.id === id && m.status === 'Pulling fs layer'), JSON.stringify(r.lines))
  const downloading = [...a.lines, ...b.lines].filter((m) => m.id === id && m.status === 'Downloading')
  assert.ok(downloading.length >= 2, JSON.stringify(a.lines))
  for (const m of downloading) assert.equal(m.progressDetail.total, big.size)
  assert.ok(downloading.some((m) => m.progressDetail.current === big.size))
  assert.ok([...a.lines, ...b.lines].some((m) => m.id === id && m.status === 'Extracting' && m.progressDetail.total === big.size))
  // and it was unpacked once: the other pull waited for that unpack, or found the layer stored
  const extracted = [a, b].filter((r) => r.lines.some((m) => m.id === id && m.status === 'Extracting'))
  assert.equal(extracted.length, 1, 'pulls extracting the big layer')
})

test('a connection cut mid-blob is resumed with a Range request and the pull completes', async () => {
  const img = await writeTestArchive(join(d.dir, 'cut.tar'), 'x/cut:1', [[{ path: 'cut.bin', content: randomBytes(3 << 20) }]])
  reg.push(`docker-archive:${join(d.dir, 'cut.tar')}`, 'x/cut:1')
  const proxy = await startProxy(reg, { netns: d.netns, cutAfter: 1 << 20 })
  proxies.push(proxy)
  const ref = `${proxy.host}/x/cut:1`
  const r = d.berth(['pull', ref])
  assert.equal(r.code, 0, r.stderr)
  await settle()
  const layer = manifestOf('x/cut:1').layers[0]!
  assert.deepEqual(proxy.cuts(), [`/v2/x/cut/blobs/${layer.digest}`])
  const gets = blobGets(proxy, layer.digest)
  assert.equal(gets.length, 2)
  assert.equal(gets[0]!.range, null)
  assert.match(gets[1]!.range ?? '', /^bytes=\d+-$/)
  assert.ok(Number(/\d+/.exec(gets[1]!.range!)![0]) > 0)
  const inspected = JSON.parse(d.berth(['image', 'inspect', ref]).stdout)[0]
  assert.equal(inspected.Id, img.id)
  assert.deepEqual(inspected.RootFS.Layers, img.diffIds)
})

test('an image saved by berth and pushed by skopeo pulls back as the same image', async () => {
  const archive = join(d.dir, 'busybox.tar')
  assert.equal(d.berth(['save', '-o', archive, 'busybox']).code, 0)
  reg.push(`docker-archive:${archive}`, 'x/busybox:1')
  const ref = `${reg.host}/x/busybox:1`
  const r = d.docker(['pull', ref])
  assert.equal(r.code, 0, r.stderr)
  // the same config as the local busybox: nothing to download, but the tag is new (dockerd's pulledNew)
  assert.doesNotMatch(r.stdout, /Pulling fs layer/)
  assert.match(r.stdout, /Status: Downloaded newer image for /)
  assert.match(d.docker(['pull', ref]).stdout, /Status: Image is up to date for /)
  const local = JSON.parse(d.berth(['image', 'inspect', 'busybox']).stdout)[0]
  const pulled = JSON.parse(d.berth(['image', 'inspect', ref]).stdout)[0]
  assert.equal(pulled.Id, local.Id)
  assert.deepEqual(pulled.RootFS.Layers, local.RootFS.Layers)
  assert.equal(pulled.RepoDigests.length, 1)
  const run = d.docker(['run', '--rm', ref, 'echo', 'ok'])
  assert.equal(run.stdout, 'ok\n', run.stderr)
})
