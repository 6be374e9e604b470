// save of several images into one archive, loaded into a fresh daemon, through both CLIs: every
// tag comes back on the same image ID, layers shared between images are written once in the
// archive and stored once after the load, and the loaded content runs.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { FIXTURES } from './env.js'

let src: TestDaemon
let dst: TestDaemon
// fx-whiteouts:1 (docker save) and fx-whiteouts:latest (OCI layout, rewritten config) are two
// images on the same three layers; fx-copy:2 is a second tag of fx-whiteouts:1
const TAGS = ['busybox:latest', 'fx-copy:2', 'fx-whiteouts:1', 'fx-whiteouts:latest']

before(async () => {
  ;[src, dst] = await Promise.all([startDaemon('images-save-src'), startDaemon('images-save-dst')])
  for (const f of ['whiteouts.docker-save.tar', 'whiteouts.oci-layout.tar']) {
    const r = src.berth(['load', '-i', join(FIXTURES, f)])
    assert.equal(r.code, 0, r.stderr)
  }
  assert.equal(src.berth(['tag', 'fx-whiteouts:1', 'fx-copy:2']).code, 0)
})
after(async () => {
  await Promise.all([src.cleanup(), dst.cleanup()])
})

const ids = (d: TestDaemon) => d.berth(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']).stdout.split('\n').filter(Boolean).sort()
const layerDirs = (d: TestDaemon) => readdirSync(join(d.dataRoot, 'layers')).length

for (const cli of ['berth', 'docker'] as const) {
  test(`${cli} save -o of several images, load into a fresh daemon: all tags, shared layers once`, () => {
    const file = join(src.dir, `several-${cli}.tar`)
    const saved = src[cli](['save', '-o', file, 'busybox', 'fx-whiteouts:1', 'fx-whiteouts:latest', 'fx-copy:2'])
    assert.deepEqual([saved.code, saved.stdout, saved.stderr], [0, '', ''])
    // one layer file per distinct layer (busybox's and the fixtures' three), one config per image
    const entries = spawnSync('tar', ['-tf', file], { encoding: 'utf8' }).stdout.split('\n')
    assert.equal(entries.filter((e) => e.endsWith('/layer.tar')).length, 4)
    assert.equal(entries.filter((e) => /^[0-9a-f]{64}\.json$/.test(e)).length, 3)
    const manifest = JSON.parse(spawnSync('tar', ['-xOf', file, 'manifest.json'], { encoding: 'utf8' }).stdout) as Array<{ RepoTags: string[]; Layers: string[] }>
    assert.deepEqual(manifest.flatMap((m) => m.RepoTags).sort(), TAGS)
    assert.equal(manifest.length, 3)
    assert.equal(new Set(manifest.flatMap((m) => m.Layers)).size, 4)

    const before = layerDirs(dst)
    const loaded = dst[cli](['load', '-i', file])
    assert.equal(loaded.code, 0, loaded.stderr)
    assert.deepEqual(loaded.stdout.split('\n').filter(Boolean).sort(), TAGS.map((t) => `Loaded image: ${t}`))
    assert.deepEqual(ids(dst), ids(src))
    // busybox was there already; the fixtures' three layers arrive once for both images
    assert.equal(layerDirs(dst) - before, 3)
    const run = dst[cli](['run', '--rm', 'fx-copy:2'])
    assert.deepEqual([run.code, run.stdout], [0, 'one\n'], run.stderr)

    const removed = dst.berth(['rmi', 'fx-copy:2', 'fx-whiteouts:1', 'fx-whiteouts:latest'])
    assert.equal(removed.code, 0, removed.stderr)
    assert.equal(layerDirs(dst), before)
  })
}
