// A failed image store (pull, load) takes back the layers it made — directory, record and
// uncompressed tar — unless another call in flight stands on them. The calls are interleaved by
// hand: each layer source is a tar held back until the test lets it go.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { PassThrough, Readable } from 'node:stream'
import tar from 'tar-stream'
import { createImage, type LayerSource } from '../../../src/engine/images/create.js'
import type { ImageDeps } from '../../../src/engine/images/deps.js'
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

function depsOf(env: ReturnType<typeof imageEnv>): ImageDeps {
  const blobs = new BlobStore(env.paths.blobs, env.paths.tmp)
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
