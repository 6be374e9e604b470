import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { BerthError } from '../lib/errors.js'
import { BlobStore } from './blobs.js'
import { sha256 } from './digest.js'
import { LayerStore } from './layer-store.js'

const noOps = { mknod: () => undefined, mkWhiteout: () => undefined, lchown: () => undefined, setXattr: () => undefined }

/** A prepared layer in a fresh work dir: `files` files under diff/, and a tar file standing in for its tar. */
async function prepared(store: LayerStore, files: number, tarBody: string) {
  const work = await store.workDir()
  mkdirSync(join(work, 'diff'))
  for (let i = 0; i < files; i++) writeFileSync(join(work, 'diff', `f${i}`), 'x')
  const tarFile = join(work, 'layer.tar')
  writeFileSync(tarFile, tarBody)
  return { work, layer: { diffId: sha256(tarBody), tarFile, tarSize: tarBody.length, size: files } }
}

test('adopt places a prepared layer once; a second adopt of the same chain is discarded; removal and adoption take turns', async () => {
  const base = await mkdtemp(join(tmpdir(), 'berth-layer-store-'))
  try {
    const blobs = new BlobStore(join(base, 'blobs'), join(base, 'tmp'))
    const store = new LayerStore(join(base, 'layers'), join(base, 'tmp'), blobs, noOps)
    const one = await prepared(store, 3, 'tar-a')
    const made = await store.adopt(one.work, one.layer, null)
    assert.deepEqual(made, { chainId: one.layer.diffId, diffId: one.layer.diffId, size: 3, tarSize: 5 })
    assert.ok(await store.has(made.chainId))
    assert.ok(await blobs.has(one.layer.diffId))

    const again = await prepared(store, 1, 'tar-a')
    await store.adopt(again.work, again.layer, null)
    assert.equal(readdirSync(store.diffDir(made.chainId)).length, 3, 'the first placement is kept')

    const onParent = await prepared(store, 1, 'tar-b')
    const child = await store.adopt(onParent.work, onParent.layer, made.chainId)
    assert.equal(child.chainId, sha256(`${made.chainId} ${onParent.layer.diffId}`))

    // a removal started first, an adoption of the same chain right after: the layer is there at the end
    const big = await prepared(store, 2000, 'tar-a')
    const removing = store.remove(made.chainId)
    const adopting = store.adopt(big.work, big.layer, null)
    await Promise.all([removing, adopting])
    assert.ok(await store.has(made.chainId))
    assert.equal(readdirSync(store.diffDir(made.chainId)).length, 2000)

    // a tar still wanted stays; one no longer wanted goes
    await store.removeTar(one.layer.diffId, () => true)
    assert.ok(await blobs.has(one.layer.diffId))
    await store.removeTar(one.layer.diffId, () => false)
    assert.equal(await blobs.has(one.layer.diffId), false)

    await store.remove(made.chainId)
    await store.remove(made.chainId) // absent: nothing to do
    assert.equal(await store.has(made.chainId), false)
    assert.deepEqual(readdirSync(join(base, 'tmp')), [], 'no work or removal directory left')
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

async function tarOf(entries: Array<{ name: string; body?: string; type?: 'directory' | 'symlink'; linkname?: string }>): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer) })()
  for (const e of entries) pack.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 }, e.body ?? '')
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

test('create unpacks and keeps the uncompressed tar in one pass; a wrong diff ID or a bad entry leaves nothing behind', async () => {
  const base = await mkdtemp(join(tmpdir(), 'berth-layer-store-'))
  try {
    const blobs = new BlobStore(join(base, 'blobs'), join(base, 'tmp'))
    const store = new LayerStore(join(base, 'layers'), join(base, 'tmp'), blobs, noOps)
    const big = randomBytes(3 << 20).toString('base64') // several chunks through both consumers
    const layer = await tarOf([{ name: 'etc', type: 'directory' }, { name: 'etc/big', body: big }, { name: 'etc/small', body: 'x' }])
    const diffId = sha256(layer)

    const made = await store.create(Readable.from([gzipSync(layer)]), null, diffId)
    assert.deepEqual(made, { chainId: diffId, diffId, size: big.length + 1, tarSize: layer.length })
    assert.equal(readFileSync(join(store.diffDir(diffId), 'etc/big'), 'utf8'), big)
    assert.ok(readFileSync(blobs.path(diffId)).equals(layer), 'the stored tar is the uncompressed stream, byte for byte')

    const other = await tarOf([{ name: 'a', body: 'a' }])
    await assert.rejects(store.create(Readable.from([other]), diffId, diffId), /content has diff ID/)
    assert.equal(await store.has(sha256(`${diffId} ${diffId}`)), false)
    assert.equal(await blobs.has(sha256(other)), false, 'a layer with the wrong content is not adopted')

    const escaping = await tarOf([{ name: 'l', type: 'symlink', linkname: '/' }, { name: 'l/x', body: 'out' }, { name: 'pad', body: big }])
    await assert.rejects(store.create(Readable.from([escaping]), null), BerthError)
    assert.equal(await blobs.has(sha256(escaping)), false)
    assert.deepEqual(readdirSync(join(base, 'tmp')), [], 'no work directory left')
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})
