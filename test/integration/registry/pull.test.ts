// Pull from a real registry (docker-registry 2.8 in the test daemon's namespace), images pushed
// with skopeo: through the berth and docker CLIs and the API, by tag and by digest, multi-arch
// indexes, zstd layers, Docker's errors, and run/create of a missing image.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { apiPull, startRegistry, writeTestArchive, type TestRegistry, type TestFile } from '../../helpers/registry.js'

let d: TestDaemon
let reg: TestRegistry

const BUSYBOX: TestFile = { path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 }
const base: TestFile[] = [BUSYBOX, { path: 'etc/base.txt', content: 'base layer\n' }]

/** Docker-Content-Digest of a manifest, as the registry reports it. */
function manifestDigest(repoTag: string, accept = 'application/vnd.docker.distribution.manifest.v2+json'): string {
  const [repo, tag] = repoTag.split(':')
  const r = reg.exec(['curl', '-sfI', '-H', `Accept: ${accept}`, `${reg.url}/v2/${repo}/manifests/${tag}`])
  const m = /docker-content-digest: (sha256:[0-9a-f]{64})/i.exec(r.stdout)
  assert.ok(m, `no digest for ${repoTag}: ${r.stdout}${r.stderr}`)
  return m[1]!
}

function manifestOf(repoTag: string): { config: { digest: string; size: number }; layers: Array<{ digest: string; mediaType: string; size: number }>; mediaType?: string } {
  const [repo, tag] = repoTag.split(':')
  const r = reg.exec(['curl', '-sf', '-H', 'Accept: application/vnd.oci.image.manifest.v1+json, application/vnd.docker.distribution.manifest.v2+json', `${reg.url}/v2/${repo}/manifests/${tag}`])
  return JSON.parse(r.stdout)
}

const inspect = (ref: string) => JSON.parse(d.berth(['image', 'inspect', ref]).stdout)[0]
const short = (digest: string) => digest.slice(7, 19)

before(async () => {
  d = await startDaemon('reg-pull')
  reg = await startRegistry({ netns: d.netns })
})

after(async () => {
  await reg?.stop()
  await d?.cleanup()
})

test('pull by tag through both CLIs: same config, diff IDs, RepoDigests; up to date; shared layers already exist', async () => {
  const a = await writeTestArchive(join(d.dir, 'a.tar'), 'x/app:1', [base, [{ path: 'etc/a.txt', content: 'layer a\n' }]])
  const b = await writeTestArchive(join(d.dir, 'b.tar'), 'x/other:1', [base, [{ path: 'etc/b.txt', content: 'layer b\n' }]])
  reg.push(`docker-archive:${join(d.dir, 'a.tar')}`, 'x/app:1')
  reg.push(`docker-archive:${join(d.dir, 'b.tar')}`, 'x/other:1')
  const ref = `${reg.host}/x/app:1`
  const digest = manifestDigest('x/app:1')
  const layers = manifestOf('x/app:1').layers

  const first = d.berth(['pull', ref])
  assert.equal(first.code, 0, first.stderr)
  // downloads run in parallel: their lines interleave in any order, each layer's in its own order
  const lines = first.stdout.split('\n')
  assert.deepEqual(lines.slice(0, 3), ['1: Pulling from x/app', ...layers.map((l) => `${short(l.digest)}: Pulling fs layer`)])
  for (const l of layers) {
    const mine = lines.filter((x) => x.startsWith(`${short(l.digest)}: `)).map((x) => x.slice(14))
    assert.deepEqual(mine, ['Pulling fs layer', 'Verifying Checksum', 'Download complete', 'Pull complete'])
  }
  assert.deepEqual(lines.slice(-4), [`Digest: ${digest}`, `Status: Downloaded newer image for ${ref}`, ref, ''])
  const img = inspect(ref)
  assert.equal(img.Id, a.id)
  assert.deepEqual(img.RootFS.Layers, a.diffIds)
  assert.deepEqual(img.RepoDigests, [`${reg.host}/x/app@${digest}`])
  assert.deepEqual(img.RepoTags, [ref])

  const again = d.docker(['pull', ref])
  assert.equal(again.code, 0, again.stderr)
  assert.equal(again.stdout, `1: Pulling from x/app\nDigest: ${digest}\nStatus: Image is up to date for ${ref}\n${ref}\n`)

  const other = d.docker(['pull', `${reg.host}/x/other:1`])
  assert.equal(other.code, 0, other.stderr)
  const otherLayers = manifestOf('x/other:1').layers
  assert.equal(otherLayers[0]!.digest, layers[0]!.digest) // same bytes, same blob
  assert.match(other.stdout, new RegExp(`^${short(otherLayers[0]!.digest)}: Already exists$`, 'm'))
  assert.match(other.stdout, new RegExp(`^${short(otherLayers[1]!.digest)}: Pull complete$`, 'm'))
  assert.deepEqual(inspect(`${reg.host}/x/other:1`).RootFS.Layers, b.diffIds)

  // the pulled image runs, its files as pushed
  const run = d.berth(['run', '--rm', ref, 'busybox', 'cat', '/etc/base.txt', '/etc/a.txt'])
  assert.equal(run.stdout, 'base layer\nlayer a\n', run.stderr)
})

test('pull by digest: no tag, RepoDigests set; berth images shows it with its digest', async () => {
  await writeTestArchive(join(d.dir, 'dg.tar'), 'x/dig:1', [base, [{ path: 'etc/d.txt', content: 'by digest\n' }]])
  reg.push(`docker-archive:${join(d.dir, 'dg.tar')}`, 'x/dig:1')
  const digest = manifestDigest('x/dig:1')
  const ref = `${reg.host}/x/dig@${digest}`
  const r = d.docker(['pull', ref])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, new RegExp(`^${digest}: Pulling from x/dig$`, 'm'))
  assert.match(r.stdout, new RegExp(`^Status: Downloaded newer image for ${ref.replace(/[.]/g, '\\.')}$`, 'm'))
  const img = inspect(ref)
  assert.deepEqual(img.RepoTags, [])
  assert.deepEqual(img.RepoDigests, [`${reg.host}/x/dig@${digest}`])
  const again = d.berth(['pull', ref])
  assert.match(again.stdout, /Status: Image is up to date for /)
  for (const cli of ['berth', 'docker'] as const) {
    const listed = d[cli](['images', '--digests', '--format', '{{.Repository}} {{.Tag}} {{.Digest}}', `${reg.host}/x/dig`])
    assert.equal(listed.stdout, `${reg.host}/x/dig <none> ${digest}\n`, listed.stderr)
  }
})

test('a multi-arch index: the host platform by default, --platform picks another, a missing one is refused', async () => {
  await writeTestArchive(join(d.dir, 'amd.tar'), 'x/multi:amd64', [[{ path: 'arch', content: 'amd64\n' }]])
  await writeTestArchive(join(d.dir, 'arm.tar'), 'x/multi:arm64', [[{ path: 'arch', content: 'arm64\n' }]], { architecture: 'arm64' })
  reg.push(`docker-archive:${join(d.dir, 'amd.tar')}`, 'x/multi:amd64')
  reg.push(`docker-archive:${join(d.dir, 'arm.tar')}`, 'x/multi:arm64')
  const entry = (tag: string, architecture: string, variant?: string) => {
    const digest = manifestDigest(`x/multi:${tag}`)
    const size = reg.exec(['curl', '-sf', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${reg.url}/v2/x/multi/manifests/${digest}`]).stdout.length
    return { mediaType: 'application/vnd.docker.distribution.manifest.v2+json', digest, size, platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) } }
  }
  const index = { schemaVersion: 2, mediaType: 'application/vnd.docker.distribution.manifest.list.v2+json', manifests: [entry('arm64', 'arm64', 'v8'), entry('amd64', 'amd64')] }
  const file = join(d.dir, 'index.json')
  writeFileSync(file, JSON.stringify(index))
  const put = reg.exec(['curl', '-sf', '-X', 'PUT', '-H', `Content-Type: ${index.mediaType}`, '--data-binary', `@${file}`, `${reg.url}/v2/x/multi/manifests/latest`])
  assert.equal(put.code, 0, put.stderr)
  const indexDigest = manifestDigest('x/multi:latest', index.mediaType)

  const r = d.berth(['pull', `${reg.host}/x/multi`])
  assert.equal(r.code, 0, r.stderr)
  assert.match(r.stdout, new RegExp(`Digest: ${indexDigest}`))
  const img = inspect(`${reg.host}/x/multi:latest`)
  assert.equal(img.Architecture, 'amd64')
  assert.deepEqual(img.RepoDigests, [`${reg.host}/x/multi@${indexDigest}`])

  const arm = d.docker(['pull', '--platform', 'linux/arm64', `${reg.host}/x/multi:latest`])
  assert.equal(arm.code, 0, arm.stderr)
  assert.equal(inspect(`${reg.host}/x/multi:latest`).Architecture, 'arm64')

  const none = d.docker(['pull', '--platform', 'linux/s390x', `${reg.host}/x/multi:latest`])
  assert.equal(none.code, 1)
  assert.equal(none.stderr, 'Error response from daemon: no matching manifest for linux/s390x in the manifest list entries\n')
})

test('zstd-compressed OCI layers are pulled and unpacked', async () => {
  const z = await writeTestArchive(join(d.dir, 'z.tar'), 'x/zstd:1', [base, [{ path: 'etc/z.txt', content: 'zstd layer\n'.repeat(1000) }]])
  reg.push(`docker-archive:${join(d.dir, 'z.tar')}`, 'x/zstd:1', ['--format', 'oci', '--dest-compress', '--dest-compress-format', 'zstd'])
  const m = manifestOf('x/zstd:1')
  // the base layer's blob is already in the registry (gzip) and reused; the new one is zstd
  assert.equal(m.layers[1]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+zstd')
  const ref = `${reg.host}/x/zstd:1`
  const r = d.docker(['pull', ref])
  assert.equal(r.code, 0, r.stderr)
  assert.deepEqual(inspect(ref).RootFS.Layers, z.diffIds)
  const run = d.docker(['run', '--rm', ref, 'busybox', 'wc', '-c', '/etc/z.txt'])
  assert.equal(run.stdout, '11000 /etc/z.txt\n', run.stderr)
})

test("Docker's errors: unknown repository or tag (404), bad reference (400), platform mismatch", async () => {
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['pull', `${reg.host}/x/nope:1`])
    assert.equal(r.code, 1)
    assert.match(r.stderr, new RegExp(`Error response from daemon: manifest for ${reg.host.replace(/\./g, '\\.')}/x/nope:1 not found: manifest unknown: manifest unknown`))
  }
  const api = await apiPull(d.socket, `${reg.host}/x/app`, { tag: 'missing' })
  assert.equal(api.status, 404)
  assert.equal(api.body.message, `manifest for ${reg.host}/x/app:missing not found: manifest unknown: manifest unknown`)
  const bad = await apiPull(d.socket, `${reg.host}/X/Upper`)
  assert.equal(bad.status, 400)
  assert.match(bad.body.message, /invalid reference format/)
  // as dockerd, once "Pulling from" went out a failure is the stream's last line
  const mismatch = await apiPull(d.socket, `${reg.host}/x/app`, { tag: '1', platform: 'linux/arm64' })
  assert.equal(mismatch.status, 200)
  assert.equal(mismatch.lines.at(-1)!.error, `image with reference ${reg.host}/x/app:1 was found but does not match the specified platform: wanted linux/arm64, actual: linux/amd64`)
})

test('run and create pull a missing image; --pull never refuses, --pull always pulls again', async () => {
  await writeTestArchive(join(d.dir, 'r.tar'), 'x/runme:1', [base, [{ path: 'etc/r.txt', content: 'run me\n' }]])
  reg.push(`docker-archive:${join(d.dir, 'r.tar')}`, 'x/runme:1')
  const ref = `${reg.host}/x/runme:1`
  const never = d.docker(['run', '--rm', '--pull', 'never', ref, 'busybox', 'true'])
  assert.equal(never.code, 125)
  assert.match(never.stderr, /No such image/)
  const run = d.berth(['run', '--rm', ref, 'busybox', 'cat', '/etc/r.txt'])
  assert.equal(run.code, 0, run.stderr)
  assert.equal(run.stdout, 'run me\n')
  assert.match(run.stderr, new RegExp(`Unable to find image '${ref.replace(/\./g, '\\.')}' locally`))
  assert.match(run.stderr, /Status: Downloaded newer image for /)
  assert.equal(d.berth(['rmi', ref]).code, 0)
  const created = d.docker(['create', ref, 'busybox', 'true'])
  assert.equal(created.code, 0, created.stderr)
  assert.match(created.stderr, /Unable to find image/)
  assert.equal(d.docker(['rm', created.stdout.trim()]).code, 0)
  const always = d.docker(['run', '--rm', '--pull', 'always', ref, 'busybox', 'cat', '/etc/r.txt'])
  assert.equal(always.stdout, 'run me\n', always.stderr)
  assert.match(always.stderr, /Image is up to date for /)
})
