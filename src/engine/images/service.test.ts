import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { paths as makePaths } from '../../lib/paths.js'
import { openDb } from '../../state/db.js'
import { ImageService } from './service.js'
import { createImage } from './create.js'
import { BlobStore } from '../../storage/blobs.js'
import { LayerStore } from '../../storage/layer-store.js'
import { ImageRepository } from '../../state/images.js'
import { LayerRepository } from '../../state/layers.js'
import type { ImageDeps } from './deps.js'

const noHost = {
  nodeOps: { mknod: () => 0, mkWhiteout: () => 0, lchown: () => 0, setXattr: () => {} },
  listApplets: async () => '',
}

/** Images without layers are enough to exercise names, IDs and conflicts without root. */
async function setup(t: { after: (fn: () => void) => void }) {
  const dir = mkdtempSync(join(tmpdir(), 'berth-images-unit-'))
  const paths = makePaths(dir, join(dir, 'exec'))
  const db = openDb(paths.db)
  t.after(() => { db.close(); rmSync(dir, { recursive: true, force: true }) })
  const svc = new ImageService(db, paths, noHost)
  const blobs = new BlobStore(paths.blobs, paths.tmp)
  const deps: ImageDeps = { paths, images: new ImageRepository(db), layers: new LayerRepository(db), blobs, layerStore: new LayerStore(paths.layers, paths.tmp, blobs, noHost.nodeOps) }
  const make = async (n: number, tags: string[], extra: Record<string, unknown> = {}) => {
    const configBytes = Buffer.from(JSON.stringify({ created: `2024-01-0${n}T00:00:00Z`, ...extra, rootfs: { type: 'layers', diff_ids: [] } }))
    return (await createImage(deps, { configBytes, layers: [], tags: tags.map((t) => `docker.io/library/${t}`) })).record
  }
  return { svc, deps, make }
}

test('resolve by name, full ID, sha256: ID and unique prefix', async (t) => {
  const { svc, make } = await setup(t)
  const a = await make(1, ['a:latest'])
  const hex = a.id.slice(7)
  for (const ref of ['a', 'a:latest', 'docker.io/library/a', a.id, hex, hex.slice(0, 12), `sha256:${hex.slice(0, 5)}`]) {
    assert.equal(svc.resolve(ref).id, a.id, ref)
  }
  assert.throws(() => svc.resolve('nope'), { message: 'No such image: nope:latest' })
  assert.throws(() => svc.resolve('a:other'), { message: 'No such image: a:other' })
})

test('tag, list with filters, inspect', async (t) => {
  const { svc, make } = await setup(t)
  const a = await make(1, ['a:latest'], { config: { Labels: { x: '1' } } })
  const b = await make(2, [])
  svc.tag('a', 'localhost:5000/x', 'v2')
  svc.tag(a.id, 'other:7')
  assert.throws(() => svc.tag('a', 'Upper'), { message: 'invalid reference format: repository name (library/Upper) must be lowercase' })
  assert.throws(() => svc.tag('a', 'x', 'bad tag'), { message: 'invalid reference format' })
  assert.deepEqual(svc.inspect('a').repoTags, ['a:latest', 'localhost:5000/x:v2', 'other:7'])
  assert.deepEqual(svc.list().map((s) => s.record.id), [b.id, a.id])
  assert.deepEqual(svc.list({ filters: { dangling: ['true'] } }).map((s) => s.record.id), [b.id])
  assert.deepEqual(svc.list({ filters: { reference: ['oth*'] } }).map((s) => s.repoTags), [['other:7']])
  assert.deepEqual(svc.list({ filters: { label: ['x=1'] } }).map((s) => s.record.id), [a.id])
  assert.deepEqual(svc.list({ filters: { before: ['a'] } }), [])
  assert.deepEqual(svc.list({ filters: { since: ['a'] } }).map((s) => s.record.id), [b.id])
  assert.throws(() => svc.list({ filters: { bogus: ['1'] } }), { message: "invalid filter 'bogus'" })
})

test('remove: untag while references remain, then delete', async (t) => {
  const { svc, make, deps } = await setup(t)
  const a = await make(1, ['a:latest', 'a:2'])
  assert.deepEqual(await svc.remove('a:2', {}, () => undefined), [{ Untagged: 'a:2' }])
  assert.deepEqual(await svc.remove('a', {}, () => undefined), [{ Untagged: 'a:latest' }, { Deleted: a.id }])
  assert.equal(deps.images.get(a.id), undefined)
  assert.equal(await deps.blobs.has(a.id), false)
})

test('remove: Docker conflict texts', async (t) => {
  const { svc, make } = await setup(t)
  const a = await make(1, ['a:latest'])
  const short = a.id.slice(7, 19)
  const ctr = 'c'.repeat(64)
  await assert.rejects(svc.remove('a', {}, () => ctr), {
    message: `conflict: unable to remove repository reference "a" (must force) - container cccccccccccc is using its referenced image ${short}`,
  })
  await assert.rejects(svc.remove(short, {}, () => ctr), {
    message: `conflict: unable to delete ${short} (must be forced) - image is being used by stopped container cccccccccccc`,
  })
  await assert.rejects(svc.remove(short, { force: true }, () => ({ id: ctr, running: true })), {
    message: `conflict: unable to delete ${short} (cannot be forced) - image is being used by running container cccccccccccc`,
  })
  svc.tag('a', 'b')
  await assert.rejects(svc.remove(short, {}, () => undefined), {
    message: `conflict: unable to delete ${short} (must be forced) - image is referenced in multiple repositories`,
  })
  assert.deepEqual(await svc.remove(short, { force: true }, () => undefined), [
    { Untagged: 'a:latest' }, { Untagged: 'b:latest' }, { Deleted: a.id },
  ])
})

test('remove by ID untags a single repository without force', async (t) => {
  const { svc, make } = await setup(t)
  const a = await make(1, ['a:1', 'a:2'].slice(0, 1))
  assert.deepEqual(await svc.remove(a.id.slice(7), {}, () => undefined), [{ Untagged: 'a:1' }, { Deleted: a.id }])
  await assert.rejects(svc.remove('a:1', {}, () => undefined), { message: 'No such image: a:1' })
})

async function tarOf(entries: Array<[string, string]>): Promise<Buffer> {
  const { default: tar } = await import('tar-stream')
  const pack = tar.pack()
  for (const [name, body] of entries) pack.entry({ name }, body)
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

test('load: malformed archives are invalid with a clear message', async (t) => {
  const { svc, deps } = await setup(t)
  const { Readable } = await import('node:stream')
  const cases: Array<[Array<[string, string]>, RegExp]> = [
    [[['x', 'y']], /neither manifest.json nor index.json found/],
    [[['manifest.json', '{']], /invalid image archive: manifest.json:/],
    [[['manifest.json', '[{"Config":"../../etc/passwd","Layers":[]}]']], /not found|outside the archive/],
    [[['manifest.json', '[{"Config":"c.json","Layers":[]}]'], ['c.json', '{"rootfs":{"type":"layers","diff_ids":["sha256:00"]}}']], /rootfs.diff_ids/],
    [[['manifest.json', `[{"Config":"${'a'.repeat(64)}.json","Layers":[]}]`], [`${'a'.repeat(64)}.json`, '{}']], /digest mismatch/],
    [[['index.json', `{"manifests":[{"digest":"sha256:${'b'.repeat(64)}"}]}`]], /not found/],
  ]
  for (const [entries, message] of cases) {
    await assert.rejects(svc.load(Readable.from([await tarOf(entries)]), () => {}), (e: Error & { kind?: string }) => {
      assert.match(e.message, message)
      assert.equal(e.kind, 'invalid')
      return true
    })
  }
  const { readdirSync } = await import('node:fs')
  assert.deepEqual(readdirSync(deps.paths.tmp), [])
})
