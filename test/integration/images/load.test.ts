import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createReadStream, lstatSync, readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { imageEnv, FIXTURES } from './env.js'

const DOCKER_SAVE = join(FIXTURES, 'whiteouts.docker-save.tar')
const OCI_LAYOUT = join(FIXTURES, 'whiteouts.oci-layout.tar')

function checkContent(merged: string) {
  assert.equal(readFileSync(join(merged, 'data/keep/a'), 'utf8'), 'one\n')
  const a = lstatSync(join(merged, 'data/keep/a'))
  assert.deepEqual([a.uid, a.gid], [1, 1])
  assert.equal(lstatSync(join(merged, 'data/keep')).mode & 0o7777, 0o750)
  assert.equal(existsSync(join(merged, 'data/gone')), false)
  assert.equal(existsSync(join(merged, 'etc/removed')), false)
  assert.deepEqual(readdirSync(join(merged, 'opq')), ['new'])
  assert.equal(readlinkSync(join(merged, 'link')), '/data/keep/a')
  assert.ok(lstatSync(join(merged, 'bin/busybox')).isFile())
}

for (const [kind, file, tag] of [['docker-save', DOCKER_SAVE, 'fx-whiteouts:1'], ['oci-layout', OCI_LAYOUT, 'fx-whiteouts:latest']] as const) {
  test(`load ${kind} fixture: tags, config and content through overlay`, async () => {
    const env = imageEnv(`images-load-${kind}`)
    try {
      const lines: string[] = []
      const ids = await env.images.load(createReadStream(file), (l) => lines.push(l))
      assert.equal(ids.length, 1)
      assert.deepEqual(lines, [`Loaded image: ${tag}`])
      const image = env.images.resolve(tag)
      assert.equal(image.id, ids[0])
      assert.ok(image.config.config?.Env?.includes('FX=1'))
      assert.equal(image.config.config?.WorkingDir, '/data')
      assert.deepEqual(env.images.inspect(image.id).repoTags, [tag])
      assert.equal(env.images.lowerDirs(image.id).length, 3)
      checkContent(env.mount(env.images.lowerDirs(image.id)))
      // loading again unpacks nothing new and gives the same ID
      const again = await env.images.load(createReadStream(file), () => {})
      assert.deepEqual(again, ids)
    } finally {
      env.cleanup()
    }
  })
}

test('both fixtures share layers; save → load round-trips IDs', async () => {
  const env = imageEnv('images-roundtrip')
  const env2 = imageEnv('images-roundtrip2')
  try {
    const [dockerId] = await env.images.load(createReadStream(DOCKER_SAVE), () => {})
    const [ociId] = await env.images.load(createReadStream(OCI_LAYOUT), () => {})
    // skopeo rewrote the config (no container_config), so the IDs differ but the layers do not
    assert.notEqual(dockerId, ociId)
    assert.deepEqual(env.images.resolve(dockerId!).chainIds, env.images.resolve(ociId!).chainIds)
    assert.equal(readdirSync(env.paths.layers).length, 3)

    const lines: string[] = []
    const ids = await env2.images.load(env.images.save(['fx-whiteouts:1', 'fx-whiteouts:latest']), (l) => lines.push(l))
    assert.deepEqual(ids, [dockerId, ociId])
    assert.deepEqual(lines, ['Loaded image: fx-whiteouts:1', 'Loaded image: fx-whiteouts:latest'])
    assert.deepEqual(env2.images.resolve('fx-whiteouts:1').diffIds, env.images.resolve(dockerId!).diffIds)
    checkContent(env2.mount(env2.images.lowerDirs(dockerId!)))
  } finally {
    env.cleanup()
    env2.cleanup()
  }
})
