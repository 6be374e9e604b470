import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createHash } from 'node:crypto'
import { PassThrough } from 'node:stream'
import { gunzipSync } from 'node:zlib'
import type { IncomingMessage } from 'node:http'
import type { DistributionRecord } from '../../state/distribution.js'
import type { Repository } from '../../registry/client.js'
import type { HttpResponse } from '../../registry/http.js'
import { tempImageStore } from '../../../test/helpers/image-store.js'
import { pushImage, schema2Manifest, type PushMessage, type PushPorts } from './push.js'

const sha = (b: Buffer | string) => 'sha256:' + createHash('sha256').update(b).digest('hex')
const R = '127.0.0.1:5000'

/** A registry in memory: blobs by repository, uploads assembled from PUT/PATCH bodies. */
function fakeRegistry() {
  const blobs = new Map<string, Map<string, Buffer>>()
  const manifests = new Map<string, Buffer>()
  const log: string[] = []
  const uploads = new Map<string, Buffer[]>()
  let nextUpload = 0
  const repoOf = (path: string) => {
    let m = blobs.get(path)
    if (!m) blobs.set(path, (m = new Map()))
    return m
  }
  const res = (status: number, headers: Record<string, string> = {}): HttpResponse => {
    const body = new PassThrough()
    body.end()
    return { status, headers, body: body as unknown as IncomingMessage }
  }
  const repository = (access: { path: string }) => {
    const path = access.path
    const repo: Pick<Repository, 'request' | 'fail' | 'headBlob' | 'mountBlob' | 'putManifest'> = {
      headBlob: async (digest) => {
        log.push(`HEAD ${path} ${digest.slice(7, 19)}`)
        return repoOf(path).get(digest)?.length
      },
      mountBlob: async (digest, from) => {
        log.push(`MOUNT ${path} ${digest.slice(7, 19)} from ${from}`)
        const b = repoOf(from).get(digest)
        if (b) repoOf(path).set(digest, b)
        if (b) return { mounted: true }
        // as docker-registry: a mount it cannot do opens an upload session instead
        const id = String(nextUpload++)
        uploads.set(id, [])
        return { mounted: false, location: `/v2/${path}/blobs/uploads/${id}` }
      },
      request: async (method, target, opts = {}) => {
        const url = new URL(target, 'http://r')
        const body = Buffer.isBuffer(opts.body) ? opts.body : Buffer.alloc(0)
        log.push(`${method} ${path}`)
        if (method === 'POST') {
          const id = String(nextUpload++)
          uploads.set(id, [])
          return res(202, { location: `/v2/${path}/blobs/uploads/${id}` })
        }
        const id = url.pathname.split('/').pop()!
        if (method === 'DELETE') return res(uploads.delete(id) ? 204 : 404)
        uploads.get(id)!.push(body)
        if (method === 'PATCH') return res(202, { location: `/v2/${path}/blobs/uploads/${id}` })
        const data = Buffer.concat(uploads.get(id)!)
        const digest = url.searchParams.get('digest')!
        if (sha(data) !== digest) return res(400)
        repoOf(path).set(digest, data)
        return res(201)
      },
      fail: async (r, what) => new Error(`${what}: ${r.status}`) as never,
      putManifest: async (reference, bytes) => {
        manifests.set(`${path}:${reference}`, bytes)
        return sha(bytes)
      },
    }
    return repo as Repository
  }
  return { blobs: repoOf, manifests, log, repository }
}

async function setup(t: { after: (fn: () => void) => void }) {
  const { deps } = tempImageStore(t, 'berth-push-unit-')
  const { blobs } = deps
  // an image whose two layer tars sit in the blob store (the layer directories are not needed to push)
  const layerA = Buffer.alloc(3000, 'a')
  const layerB = Buffer.alloc(5000, 'b')
  const diffIds = [await blobs.put(layerA), await blobs.put(layerB)]
  const configBytes = Buffer.from(JSON.stringify({ rootfs: { type: 'layers', diff_ids: diffIds } }))
  const id = await blobs.put(configBytes)
  deps.images.put({ id, config: JSON.parse(configBytes.toString()), diffIds, chainIds: diffIds, size: 0, created: '', repoDigests: [] })
  deps.images.setTag(`${R}/app:1`, id)
  const known: DistributionRecord[] = []
  const registry = fakeRegistry()
  const ports: PushPorts = {
    registry,
    distribution: { byDiffId: (d) => known.filter((k) => k.diffId === d), put: (r) => void known.push(r) },
    chunkSize: 1024,
    concurrency: 1,
  }
  const push = async (name: string, tag?: string) => {
    const messages: PushMessage[] = []
    await pushImage(deps, ports, name, { tag, onProgress: (m) => messages.push(m) })
    return messages.filter((m) => !m.progressDetail).map((m) => (m.aux ? `aux ${m.aux.Tag}` : m.id ? `${m.id}: ${m.status}` : m.status ?? ''))
  }
  return { deps, id, diffIds, layerA, known, registry, push }
}

test('first push uploads each layer gzipped, then the config and a schema 2 manifest; RepoDigests and metadata recorded', async (t) => {
  const { deps, id, diffIds, layerA, known, registry, push } = await setup(t)
  const [a, b] = diffIds.map((d) => d.slice(7, 19))
  const lines = await push(`${R}/app`, '1')
  const manifest = registry.manifests.get('app:1')!
  const digest = sha(manifest)
  assert.deepEqual(lines, [
    `The push refers to repository [${R}/app]`, `${b}: Preparing`, `${a}: Preparing`, `${a}: Waiting`,
    `${b}: Pushed`, `${a}: Pushed`, `1: digest: ${digest} size: ${manifest.length}`, 'aux 1',
  ])
  const m = JSON.parse(manifest.toString())
  assert.equal(m.config.digest, id)
  const first = registry.blobs('app').get(m.layers[0].digest)!
  assert.deepEqual(gunzipSync(first), layerA, 'bottom layer first, gzip of the stored tar')
  assert.deepEqual(deps.images.get(id)!.repoDigests, [`${R}/app@${digest}`])
  assert.deepEqual(known.map((k) => [k.diffId, k.registry, k.repository]), [[diffIds[1], R, 'app'], [diffIds[0], R, 'app']])
})

test('a re-push sends no layer; another repository mounts them; a tag of another repository is not pushed', async (t) => {
  const { deps, id, registry, push } = await setup(t)
  await push(`${R}/app:1`)
  registry.log.length = 0
  const again = await push(`${R}/app:1`)
  assert.equal(again.filter((l) => l.endsWith('Layer already exists')).length, 2)
  assert.ok(!registry.log.some((l) => l.startsWith('PATCH') || l.startsWith('PUT')), registry.log.join('\n'))
  deps.images.setTag(`${R}/other:2`, id)
  const mounted = await push(`${R}/other`)
  assert.equal(mounted.filter((l) => l.endsWith('Mounted from app')).length, 2)
  assert.deepEqual([...registry.manifests.keys()], ['app:1', 'other:2'])
})

test('mounts the registry cannot do: the last session it opened carries the upload, the others are cancelled', async (t) => {
  const { diffIds, layerA, known, registry, push } = await setup(t)
  for (const repository of ['gone1', 'gone2', 'gone3']) {
    known.push({ diffId: diffIds[0]!, digest: `sha256:${'e'.repeat(64)}`, mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1, registry: R, repository })
  }
  const lines = await push(`${R}/app:1`)
  assert.ok(!lines.some((l) => l.includes('Mounted')), lines.join('\n'))
  assert.equal(registry.log.filter((l) => l.startsWith('MOUNT app')).length, 3)
  assert.equal(registry.log.filter((l) => l === 'DELETE app').length, 2, registry.log.join('\n'))
  // one POST for the other layer and one for the config: the bottom layer went through the last mount's session
  assert.equal(registry.log.filter((l) => l === 'POST app').length, 2, registry.log.join('\n'))
  const m = JSON.parse(registry.manifests.get('app:1')!.toString())
  assert.deepEqual(gunzipSync(registry.blobs('app').get(m.layers[0].digest)!), layerA)
})

test('a layer whose tar is gone: a clear error, no manifest, no session left open; not needed when the registry has it', async (t) => {
  const { deps, diffIds, known, registry, push } = await setup(t)
  const a = diffIds[0]!.slice(7, 19)
  await deps.blobs.remove(diffIds[0]!)
  await assert.rejects(push(`${R}/app:1`), { message: `push layer ${a}: its tar ${diffIds[0]} is missing from the blob store` })
  assert.equal(registry.manifests.size, 0)
  assert.equal(registry.log.filter((l) => l === 'POST app').length, 1, 'only the other layer opened a session')
  // once the registry holds the layer, pushing needs no tar
  const held = Buffer.from('the gzip blob the registry holds')
  registry.blobs('app').set(sha(held), held)
  known.push({ diffId: diffIds[0]!, digest: sha(held), mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: held.length, registry: R, repository: 'app' })
  const lines = await push(`${R}/app:1`)
  assert.ok(lines.includes(`${a}: Layer already exists`), lines.join('\n'))
  assert.equal(registry.manifests.size, 1)
})

test('a tar that goes after the session opened: the session is cancelled', async (t) => {
  const { deps, registry, push } = await setup(t)
  deps.blobs.size = async () => {
    throw new Error('removed meanwhile')
  }
  await assert.rejects(push(`${R}/app:1`), /removed meanwhile/)
  assert.equal(registry.log.filter((l) => l === 'POST app').length, 1, registry.log.join('\n'))
  assert.equal(registry.log.filter((l) => l === 'DELETE app').length, 1, registry.log.join('\n'))
})

test('Docker\'s errors for what cannot be pushed, in dockerd\'s order', async (t) => {
  const { deps, id, push } = await setup(t)
  const D = `sha256:${'a'.repeat(64)}`
  await assert.rejects(push(`${R}/nothing`), { message: `An image does not exist locally with the tag: ${R}/nothing` })
  // a repository unknown here is "does not exist" whether a digest is named or not
  await assert.rejects(push(`${R}/nothing@${D}`), { message: `An image does not exist locally with the tag: ${R}/nothing` })
  await assert.rejects(push(`${R}/app`, '9'), { message: `tag does not exist: ${R}/app:9` })
  await assert.rejects(push(`${R}/app@${D}`), { message: 'cannot push a digest reference' })
  // a repository known only by a digest (pulled by digest): it exists, but has no tag to push
  const image = deps.images.get(id)!
  deps.images.put({ ...image, repoDigests: [`${R}/pinned@${D}`] })
  await assert.rejects(push(`${R}/pinned`), { message: `no tags to push for ${R}/pinned` })
  await assert.rejects(push(`${R}/pinned`, '1'), { message: `tag does not exist: ${R}/pinned:1` })
  await assert.rejects(push(`${R}/pinned@${D}`), { message: 'cannot push a digest reference' })
  // the repository is named before anything is checked, so the refusal follows that line
  const seen: PushMessage[] = []
  const ports: PushPorts = { registry: fakeRegistry(), distribution: { byDiffId: () => [], put: () => undefined }, chunkSize: 1024, concurrency: 1 }
  await assert.rejects(pushImage(deps, ports, `${R}/pinned@${D}`, { onProgress: (m) => seen.push(m) }), { message: 'cannot push a digest reference' })
  assert.deepEqual(seen, [{ status: `The push refers to repository [${R}/pinned]` }])
})

test('schema 2 manifest: Docker\'s media types, field order and three-space indent', () => {
  const bytes = schema2Manifest({ digest: `sha256:${'c'.repeat(64)}`, size: 446 }, [{ digest: `sha256:${'1'.repeat(64)}`, size: 1056436 }])
  assert.equal(bytes.length, 527) // the size dockerd prints for a one-layer image
  assert.equal(bytes.toString(), [
    '{',
    '   "schemaVersion": 2,',
    '   "mediaType": "application/vnd.docker.distribution.manifest.v2+json",',
    '   "config": {',
    '      "mediaType": "application/vnd.docker.container.image.v1+json",',
    '      "size": 446,',
    `      "digest": "sha256:${'c'.repeat(64)}"`,
    '   },',
    '   "layers": [',
    '      {',
    '         "mediaType": "application/vnd.docker.image.rootfs.diff.tar.gzip",',
    '         "size": 1056436,',
    `         "digest": "sha256:${'1'.repeat(64)}"`,
    '      }',
    '   ]',
    '}',
  ].join('\n'))
})
