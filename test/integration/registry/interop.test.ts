// skopeo and berth understand each other's pushes: skopeo copies what berth pushed into an OCI
// layout and reports the digest berth printed; berth pulls what skopeo pushed and gets the image
// it saved. One daemon, one plain-HTTP registry on 127.0.0.1 in the daemon's namespace.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let reg: TestRegistry

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r.stdout
}

before(async () => {
  d = await startDaemon('interop')
  reg = await startRegistry({ netns: d.netns })
})

after(async () => {
  await reg?.stop()
  await d?.cleanup()
})

test('skopeo copies and inspects what berth pushed: same digest, layers and diff IDs', () => {
  const R = reg.host
  ok(d.berth(['tag', 'busybox', `${R}/interop/bb:v1`]), 'tag')
  const pushed = ok(d.berth(['push', `${R}/interop/bb:v1`]), 'push')
  const digest = /^v1: digest: (sha256:[0-9a-f]{64}) size: \d+$/m.exec(pushed)![1]!

  const inspect = JSON.parse(ok(reg.skopeo(['inspect', `docker://${R}/interop/bb:v1`]), 'skopeo inspect'))
  assert.equal(inspect.Digest, digest)
  const image = JSON.parse(ok(d.berth(['image', 'inspect', 'busybox']), 'inspect'))[0]
  assert.deepEqual(inspect.Layers.length, image.RootFS.Layers.length)
  const config = JSON.parse(ok(reg.skopeo(['inspect', '--config', `docker://${R}/interop/bb:v1`]), 'skopeo inspect --config'))
  assert.deepEqual(config.rootfs.diff_ids, image.RootFS.Layers)

  const layout = join(d.dir, 'oci-layout')
  ok(reg.skopeo(['copy', `docker://${R}/interop/bb:v1`, `oci:${layout}:v1`]), 'skopeo copy to oci')
  // skopeo verified every blob while copying; it converts the manifest and config to OCI but
  // keeps berth's gzip layer blobs and the diff IDs
  const blob = (digest: string) => JSON.parse(readFileSync(join(layout, 'blobs', 'sha256', digest.slice(7)), 'utf8'))
  const index = JSON.parse(readFileSync(join(layout, 'index.json'), 'utf8'))
  const oci = blob(index.manifests[0].digest)
  assert.deepEqual(oci.layers.map((l: { digest: string }) => l.digest), inspect.Layers)
  assert.deepEqual(blob(oci.config.digest).rootfs.diff_ids, image.RootFS.Layers)
})

test('berth pulls what skopeo pushed', () => {
  const R = reg.host
  const archive = join(d.dir, 'busybox.tar')
  ok(d.berth(['save', '-o', archive, 'busybox']), 'save')
  reg.push(`docker-archive:${archive}`, 'from-skopeo/bb:v2')
  const skopeoDigest = JSON.parse(ok(reg.skopeo(['inspect', `docker://${R}/from-skopeo/bb:v2`]), 'inspect')).Digest
  const pulled = ok(d.docker(['pull', `${R}/from-skopeo/bb:v2`]), 'pull')
  assert.match(pulled, new RegExp(`Digest: ${skopeoDigest}`))
  const ids = ['busybox', `${R}/from-skopeo/bb:v2`].map((r) => JSON.parse(ok(d.berth(['image', 'inspect', r]), 'inspect'))[0].Id)
  assert.equal(ids[1], ids[0])
  // and berth pushes it on under a new name: skopeo agrees with the digest it prints
  ok(d.berth(['tag', `${R}/from-skopeo/bb:v2`, `${R}/again/bb:v3`]), 'tag')
  const again = /^v3: digest: (sha256:\w+)/m.exec(ok(d.berth(['push', `${R}/again/bb:v3`]), 'push again'))![1]
  assert.equal(JSON.parse(ok(reg.skopeo(['inspect', `docker://${R}/again/bb:v3`]), 'inspect')).Digest, again)
})
