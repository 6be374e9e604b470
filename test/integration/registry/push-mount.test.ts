// Cross-repository mounts that the registry cannot do: it answers 202 and opens an upload
// session instead. berth uploads the layer through that session (as dockerd does) rather than
// opening another, and leaves no session behind in the registry's storage.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let reg: TestRegistry

before(async () => {
  d = await startDaemon('push-mount')
  reg = await startRegistry({ netns: d.netns })
})

after(async () => {
  await reg?.stop()
  await d?.cleanup()
})

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r.stdout
}
const repoDir = (repo: string) => join(reg.storageDir, 'docker/registry/v2/repositories', repo)
/** Registry access-log lines for `repo`'s upload endpoint, "METHOD path?query". */
const uploadRequests = (repo: string) =>
  [...reg.log().matchAll(new RegExp(`"((?:POST|PATCH|PUT|DELETE) /v2/${repo}/blobs/uploads/[^ "]*)`, 'g'))].map((m) => m[1]!)
async function settled(needle: string): Promise<void> {
  for (let i = 0; i < 100 && !reg.log().includes(needle); i++) await new Promise((r) => setTimeout(r, 20))
}

test('a 202 to a mount request: the opened session carries the upload, none is left open', async () => {
  const R = reg.host
  ok(d.berth(['tag', 'busybox', `${R}/src/bb:1`]), 'tag')
  ok(d.berth(['push', `${R}/src/bb:1`]), 'push to the source repository')
  // the source repository forgets its layer links: a mount from it is no longer possible
  const layers = join(repoDir('src/bb'), '_layers/sha256')
  const digests = readdirSync(layers)
  for (const dgst of digests) rmSync(join(layers, dgst), { recursive: true })

  ok(d.berth(['tag', 'busybox', `${R}/dst/bb:1`]), 'tag')
  const out = ok(d.berth(['push', `${R}/dst/bb:1`]), 'push to the second repository')
  assert.doesNotMatch(out, /Mounted from/)
  await settled('"PUT /v2/dst/bb/manifests/1')

  const seen = uploadRequests('dst/bb')
  const mounts = seen.filter((l) => l.startsWith('POST') && l.includes('mount='))
  assert.ok(mounts.length >= 1, seen.join('\n'))
  assert.deepEqual(seen.filter((l) => l.startsWith('DELETE')), [], 'no session cancelled: the mount\'s session was used')
  // the only plain POST is the image config's upload
  assert.equal(seen.filter((l) => l.startsWith('POST') && !l.includes('mount=')).length, 1, seen.join('\n'))
  const uploads = join(repoDir('dst/bb'), '_uploads')
  assert.deepEqual(existsSync(uploads) ? readdirSync(uploads) : [], [], 'no upload session left in the registry')

  // what was pushed pulls back whole
  ok(d.berth(['rmi', `${R}/dst/bb:1`]), 'rmi')
  ok(d.berth(['pull', `${R}/dst/bb:1`]), 'pull back')
})
