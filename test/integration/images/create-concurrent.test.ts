// A failed image store (pull, load) takes back the layers it made — directory, record and
// uncompressed tar — unless another call in flight stands on them. The calls are interleaved by
// hand: each layer source is a tar held back until the test lets it go.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import tar from 'tar-stream'
import { createImage, type LayerSource } from '../../../src/engine/images/create.js'
import type { ImageDeps } from '../../../src/engine/images/deps.js'
import { importImage } from '../../../src/engine/images/import.js'
import { removeImage } from '../../../src/engine/images/remove.js'
import { ImageRepository } from '../../../src/state/images.js'
import { LayerRepository } from '../../../src/state/layers.js'
import { BlobStore } from '../../../src/storage/blobs.js'
import { sha256, chainIds } from '../../../src/storage/digest.js'
import { LayerStore } from '../../../src/storage/layer-store.js'
import { hostImageHost } from '../../../src/storage/host.js'
import { imageEnv } from './env.js'

async function layerTar(file: string): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer) })()
  pack.entry({ name: file, mode: 0o644 }, file)
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

/** A source whose stream gives `bytes` (or fails) only when `release` is called; `opened` resolves when it is read. */
function gated(bytes: Buffer) {
  let release!: (fail?: boolean) => void
  let markOpened!: () => void
  const opened = new Promise<void>((r) => (markOpened = r))
  const source: LayerSource = {
    open(): Readable {
      // read() is first called once the layer store consumes the stream: its error has a listener then
      const s = new Readable({ read: () => markOpened() })
      release = (fail) => (fail ? s.destroy(new Error('registry went away')) : (s.push(bytes), s.push(null)))
      return s
    },
  }
  return { source, opened, release: (fail?: boolean) => release(fail) }
}

const plain = (bytes: Buffer): LayerSource => ({ open: () => new PassThrough().end(bytes) })

const config = (diffIds: string[], tag: string) => Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: { Labels: { tag } }, rootfs: { type: 'layers', diff_ids: diffIds } }))

function depsOf(env: ReturnType<typeof imageEnv>, blobs = new BlobStore(env.paths.blobs, env.paths.tmp)): ImageDeps {
  return {
    paths: env.paths,
    images: new ImageRepository(env.db),
    layers: new LayerRepository(env.db),
    blobs,
    layerStore: new LayerStore(env.paths.layers, env.paths.tmp, blobs, hostImageHost.nodeOps),
  }
}

test('a failed call takes back its layer, record and tar; not while another call in flight stands on them', async () => {
  const env = imageEnv('images-create-concurrent')
  try {
    const deps = depsOf(env)
    const [shared, other, third] = await Promise.all([layerTar('shared'), layerTar('other'), layerTar('third')])
    const [d, x, y] = [shared, other, third].map((t) => sha256(t)) as [string, string, string]
    const [chainD] = chainIds([d])
    const present = async () => ({ record: deps.layers.get(chainD!) !== undefined, dir: await deps.layerStore.has(chainD!), tar: await deps.blobs.has(d) })

    // alone: a failure on the second layer takes the first one back entirely
    const lone = gated(other)
    const failing = createImage(deps, { configBytes: config([d, x], 'lone'), layers: [plain(shared), lone.source], tags: [] })
    await lone.opened
    assert.deepEqual(await present(), { record: true, dir: true, tar: true })
    lone.release(true)
    await assert.rejects(failing, /registry went away/)
    assert.deepEqual(await present(), { record: false, dir: false, tar: false })

    // A makes the shared layer and fails while B, which found it present, is still in flight
    const aSecond = gated(other)
    const a = createImage(deps, { configBytes: config([d, x], 'a'), layers: [plain(shared), aSecond.source], tags: [] })
    await aSecond.opened
    const bSecond = gated(third)
    const b = createImage(deps, { configBytes: config([d, y], 'b'), layers: [{ open: () => assert.fail('B finds the shared layer present') }, bSecond.source], tags: ['docker.io/library/b:1'] })
    await bSecond.opened
    aSecond.release(true)
    await assert.rejects(a, /registry went away/)
    assert.deepEqual(await present(), { record: true, dir: true, tar: true }, 'B still needs the shared layer and its tar')
    bSecond.release()
    const { record } = await b
    assert.deepEqual(record.diffIds, [d, y])
    assert.deepEqual(await present(), { record: true, dir: true, tar: true })
    assert.ok(existsSync(deps.blobs.path(y)))
  } finally {
    env.cleanup()
  }
})

test('calls storing the same layer at once unpack it once; when the one unpacking fails, another makes it itself', async () => {
  const env = imageEnv('images-create-once')
  try {
    const deps = depsOf(env)
    const [shared, other] = await Promise.all([layerTar('shared'), layerTar('other')])
    const [d, x] = [shared, other].map((t) => sha256(t)) as [string, string]
    const opens = { a: 0, b: 0, c: 0 }
    const counted = (who: keyof typeof opens, source: LayerSource): LayerSource => ({ open: () => (opens[who]++, source.open()) })

    // A is unpacking the shared layer when B and C need it: they wait for A's result
    const aFirst = gated(shared)
    const a = createImage(deps, { configBytes: config([d], 'a'), layers: [counted('a', aFirst.source)], tags: [] })
    await aFirst.opened
    const b = createImage(deps, { configBytes: config([d, x], 'b'), layers: [counted('b', plain(shared)), plain(other)], tags: [] })
    const c = createImage(deps, { configBytes: config([d], 'c'), layers: [counted('c', plain(shared))], tags: [] })
    aFirst.release()
    await Promise.all([a, b, c])
    assert.deepEqual(opens, { a: 1, b: 0, c: 0 }, 'the shared layer is unpacked once')
    assert.ok(await deps.layerStore.has(d))

    // A fails while unpacking; B, which was waiting for it, unpacks the layer from its own source
    const [d2] = [sha256(other)]
    const failingFirst = gated(other)
    const failing = createImage(deps, { configBytes: config([d2], 'a2'), layers: [counted('a', failingFirst.source)], tags: [] })
    await failingFirst.opened
    const waiting = createImage(deps, { configBytes: config([d2], 'b2'), layers: [counted('b', plain(other))], tags: ['docker.io/library/b2:1'] })
    failingFirst.release(true)
    await assert.rejects(failing, /registry went away/)
    const { record } = await waiting
    assert.deepEqual(record.diffIds, [d2])
    assert.deepEqual(opens, { a: 2, b: 1, c: 0 })
    assert.ok(await deps.layerStore.has(d2))
    assert.ok(deps.layers.get(d2))
    assert.deepEqual(readdirSync(env.paths.tmp), [], 'no work directory left')
  } finally {
    env.cleanup()
  }
})

test('rmi leaves the layers and tars a call in flight stands on; a later rmi takes them', async () => {
  const env = imageEnv('images-rmi-claims')
  try {
    const deps = depsOf(env)
    const [shared, other, third] = await Promise.all([layerTar('shared'), layerTar('other'), layerTar('third')])
    const [d, x, y] = [shared, other, third].map((t) => sha256(t)) as [string, string, string]
    const noUsers = () => undefined
    await createImage(deps, { configBytes: config([d], 'p'), layers: [plain(shared)], tags: ['docker.io/library/p:1'] })
    await createImage(deps, { configBytes: config([y], 'r'), layers: [plain(third)], tags: ['docker.io/library/r:1'] })

    // Q finds the layer d present and waits on its second layer; S makes y again on top of x,
    // so its tar is y's, and waits on that layer
    const qSecond = gated(other)
    const q = createImage(deps, { configBytes: config([d, x], 'q'), layers: [{ open: () => assert.fail('Q finds d present') }, qSecond.source], tags: ['docker.io/library/q:1'] })
    await qSecond.opened
    const sSecond = gated(third)
    const s = createImage(deps, { configBytes: config([x, y], 's'), layers: [plain(other), sSecond.source], tags: ['docker.io/library/s:1'] })
    await sSecond.opened

    const deleted = await removeImage(deps, 'p:1', {}, noUsers)
    assert.ok(!deleted.some((i) => 'Deleted' in i && i.Deleted === d), 'layer d is not reported deleted')
    assert.ok(deps.layers.get(d) && (await deps.layerStore.has(d)) && (await deps.blobs.has(d)), 'Q still stands on layer d and its tar')
    await removeImage(deps, 'r:1', {}, noUsers)
    assert.equal(deps.layers.get(y), undefined, 'layer y itself goes')
    assert.ok(await deps.blobs.has(y), 'S still stands on the tar of y')

    qSecond.release()
    sSecond.release()
    await Promise.all([q, s])
    const rootfs = env.mount([deps.layerStore.diffDir(chainIds([d, x])[1]!), deps.layerStore.diffDir(d)])
    assert.equal(readFileSync(join(rootfs, 'shared'), 'utf8'), 'shared')

    // once Q is gone, nothing stands on d: an rmi takes it
    await removeImage(deps, 'q:1', {}, noUsers)
    assert.equal(deps.layers.get(d), undefined)
    assert.equal(await deps.layerStore.has(d), false)
    assert.equal(await deps.blobs.has(d), false)
  } finally {
    env.cleanup()
  }
})

/** A blob store whose put of `digest` waits, once it has stored the blob, until `release`. */
function pausingAfterPut(env: ReturnType<typeof imageEnv>, digest: string) {
  let markStored!: () => void
  const stored = new Promise<void>((r) => (markStored = r))
  let release!: () => void
  const gate = new Promise<void>((r) => (release = r))
  let armed = false
  class Blobs extends BlobStore {
    override async put(data: Buffer): Promise<string> {
      const d = await super.put(data)
      if (armed && d === digest) {
        markStored()
        await gate
      }
      return d
    }
  }
  return { blobs: new Blobs(env.paths.blobs, env.paths.tmp), arm: () => void (armed = true), stored, release }
}

test('rmi leaves the config blob that a pull of the same image in flight stored again; a later rmi takes it', async () => {
  const env = imageEnv('images-rmi-config')
  try {
    const shared = await layerTar('shared')
    const d = sha256(shared)
    const configBytes = config([d], 'p')
    const id = sha256(configBytes)
    const paused = pausingAfterPut(env, id)
    const deps = depsOf(env, paused.blobs)
    const noUsers = () => undefined
    await createImage(deps, { configBytes, layers: [plain(shared)], tags: ['docker.io/library/p:1'] })

    // the pull finds the config blob present and is about to record the image when rmi runs
    paused.arm()
    const pull = createImage(deps, { configBytes, layers: [{ open: () => assert.fail('the layer is present') }], tags: ['docker.io/library/p:1'] })
    await paused.stored
    const rmi = removeImage(deps, 'p:1', {}, noUsers)
    const early = await Promise.race([rmi.then(() => 'done'), new Promise((r) => setTimeout(r, 200)).then(() => 'waiting')])
    assert.equal(early, 'waiting', 'rmi waits for the write of the config blob in flight')
    paused.release()
    const [, deleted] = await Promise.all([pull, rmi])
    assert.deepEqual(deleted, [{ Untagged: 'p:1' }, { Deleted: id }])
    assert.ok(deps.images.get(id), 'the pull recorded the image')
    assert.equal(deps.images.tagsOf(id).join(), 'docker.io/library/p:1')
    assert.ok(await deps.blobs.has(id), 'its config blob stays')
    assert.ok(deps.layers.get(d) && (await deps.layerStore.has(d)) && (await deps.blobs.has(d)), 'and its layer')

    // nothing in flight: rmi takes the config blob with the image
    await removeImage(deps, 'p:1', {}, noUsers)
    assert.equal(deps.images.get(id), undefined)
    assert.equal(await deps.blobs.has(id), false)
    assert.equal(await deps.blobs.has(d), false)
  } finally {
    env.cleanup()
  }
})

test('an import stands on its layer from when its content is known: an rmi of an image with the same bottom layer meanwhile leaves it', async () => {
  const env = imageEnv('images-import-claim')
  try {
    const shared = await layerTar('shared')
    const d = sha256(shared)
    // the import pauses while the layer store takes in its tar, before the directory is placed
    let armed = false
    let markAdopting!: () => void
    const adopting = new Promise<void>((r) => (markAdopting = r))
    let release!: () => void
    const gate = new Promise<void>((r) => (release = r))
    class Blobs extends BlobStore {
      override async adopt(file: string, digest: string): Promise<void> {
        if (armed && digest === d) {
          markAdopting()
          await gate
        }
        return super.adopt(file, digest)
      }
    }
    let markRemovingTar!: () => void
    const removingTar = new Promise<void>((r) => (markRemovingTar = r))
    class Layers extends LayerStore {
      override removeTar(diffId: string, isWanted: () => boolean): Promise<void> {
        if (diffId === d) markRemovingTar()
        return super.removeTar(diffId, isWanted)
      }
    }
    const blobs = new Blobs(env.paths.blobs, env.paths.tmp)
    const deps = { ...depsOf(env, blobs), layerStore: new Layers(env.paths.layers, env.paths.tmp, blobs, hostImageHost.nodeOps) }
    await createImage(deps, { configBytes: config([d], 'p'), layers: [plain(shared)], tags: ['docker.io/library/p:1'] })

    armed = true
    const imported = importImage(deps, new PassThrough().end(shared), { ref: 'i:1' })
    await adopting
    // rmi either leaves the claimed layer and ends, or (unclaimed) gets as far as removing its tar
    const rmi = removeImage(deps, 'p:1', {}, () => undefined)
    await Promise.race([rmi, removingTar])
    release()
    const [id, deleted] = await Promise.all([imported, rmi])
    assert.ok(!deleted.some((i) => 'Deleted' in i && i.Deleted === d), 'layer d is not reported deleted')
    assert.deepEqual(deps.images.get(id)?.chainIds, [d])
    assert.ok(deps.layers.get(d), 'the layer record stays')
    assert.ok(await deps.layerStore.has(d), 'its directory stays')
    assert.ok(await deps.blobs.has(d), 'its tar stays')
    assert.equal(readFileSync(join(deps.layerStore.diffDir(d), 'shared'), 'utf8'), 'shared')
    assert.deepEqual(readdirSync(env.paths.tmp), [], 'no work directory left')

    await removeImage(deps, 'i:1', {}, () => undefined)
    assert.equal(await deps.layerStore.has(d), false)
    assert.equal(await deps.blobs.has(d), false)
  } finally {
    env.cleanup()
  }
})
