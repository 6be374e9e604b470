// `docker push`: sends a local image's layers, config and a Docker v2 schema 2 manifest to its
// registry, as dockerd does. For each layer, cheapest first: a blob the registry already has
// (known from distribution metadata, checked with HEAD: "Layer already exists"), a mount from
// another repository of the same registry ("Mounted from x"), else the uncompressed tar from
// the blob store, gzipped while it streams ("Pushing", "Pushed"). What was sent is recorded as
// distribution metadata so that the next push of the same layer sends nothing, and the
// manifest's digest becomes a RepoDigest of the image. Progress ids are short diff IDs.
import { Transform } from 'node:stream'
import { createGzip } from 'node:zlib'
import { countProgress, progressText, progressThrottle, type ProgressDetail } from '../../lib/progress.js'
import { BerthError } from '../../lib/errors.js'
import { familiarName, familiarString, nameOf, parseReference, type Reference } from '../../lib/reference.js'
import type { ImageRecord } from '../../state/records.js'
import type { AuthConfig } from '../../registry/auth.js'
import type { MountResult, RegistryClient, Repository } from '../../registry/client.js'
import { registryHost } from '../../registry/endpoint.js'
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, layerCompression } from '../../registry/media-types.js'
import { cancelUpload, ensureBlob, startUpload, uploadStream } from '../../registry/upload.js'
import type { DistributionRecord, DistributionRepository } from '../../state/distribution.js'
import type { ImageDeps } from './deps.js'

/** One progress message, with Docker's JSON message field names. */
export interface PushMessage {
  status?: string
  id?: string
  progressDetail?: ProgressDetail
  progress?: string
  aux?: { Tag: string; Digest: string; Size: number }
}

export interface PushOptions {
  /** Push only this tag; all tags of the repository when undefined. */
  tag?: string
  auth?: AuthConfig
  onProgress?: (m: PushMessage) => void
  signal?: AbortSignal
}

/** dockerd's max-concurrent-uploads default. */
export const PUSH_CONCURRENCY = 5

/** What push needs besides the image store: the registry client and the distribution metadata. */
export interface PushPorts {
  registry: Pick<RegistryClient, 'repository'>
  distribution: Pick<DistributionRepository, 'byDiffId' | 'put'>
  /** Bytes per PATCH; compressed layers up to this size go in one PUT. */
  chunkSize: number
  /** Layers sent at the same time (dockerd's max-concurrent-uploads defaults to 5). */
  concurrency: number
}

interface LayerResult {
  digest: string
  size: number
}

const shortId = (diffId: string) => diffId.replace(/^sha256:/, '').slice(0, 12)

/**
 * Gzip blobs of a layer known to be on the target's registry: only those can stand in a schema 2
 * manifest as the layer (a zstd or plain blob of the same diff ID cannot).
 */
const knownOnRegistry = (ports: PushPorts, diffId: string, target: Reference): DistributionRecord[] =>
  ports.distribution.byDiffId(diffId).filter((r) => r.registry === registryHost(target.domain) && layerCompression(r.mediaType) === 'gzip')

/** Other repositories holding the blob (dockerd tries up to 3). */
const mountCandidates = (known: DistributionRecord[], target: Reference) => known.filter((k) => k.repository !== target.path).slice(0, 3)

/**
 * The tags of `name` to push, with their images, and Docker's refusals, in dockerd's order: a
 * repository with no reference at all (tag or digest, as its reference store counts them) does
 * not exist locally; a digest cannot be pushed; a named tag must exist; and a repository pushed
 * whole needs at least one tag.
 */
function tagsToPush(deps: ImageDeps, name: Reference): Array<{ ref: Reference; image: ImageRecord }> {
  const repo: Reference = { domain: name.domain, path: name.path }
  const prefix = `${nameOf(repo)}:`
  const all = deps.images.allTags().filter((t) => t.ref.startsWith(prefix))
  const byDigest = `${nameOf(repo)}@`
  if (all.length === 0 && !deps.images.list().some((i) => i.repoDigests.some((d) => d.startsWith(byDigest)))) {
    throw new BerthError('not-found', `An image does not exist locally with the tag: ${familiarName(repo)}`)
  }
  if (name.digest !== undefined) throw new BerthError('invalid', 'cannot push a digest reference')
  const wanted = name.tag === undefined ? all : all.filter((t) => t.ref === `${prefix}${name.tag}`)
  if (name.tag !== undefined && wanted.length === 0) throw new BerthError('not-found', `tag does not exist: ${familiarString(name)}`)
  if (wanted.length === 0) throw new BerthError('not-found', `no tags to push for ${familiarName(repo)}`)
  return wanted.map((t) => {
    const image = deps.images.get(t.imageId)
    if (!image) throw new BerthError('internal', `tag ${t.ref} points at a missing image ${t.imageId}`)
    return { ref: parseReference(t.ref), image }
  })
}

type Report = (m: PushMessage) => void

/** "Pushing" progress over the uncompressed bytes (as dockerd counts), throttled per layer as moby does. */
function pushingCounter(id: string, total: number, report: Report, mayShow: (id: string, isFinal: boolean) => boolean): Transform {
  return countProgress(total, async (current, isFinal) => {
    if (!mayShow(id, isFinal)) return false
    const detail = { current, total }
    const text = progressText(detail)
    report(text ? { status: 'Pushing', progressDetail: detail, progress: text, id } : { status: 'Pushing', progressDetail: detail, id })
    return true
  })
}

async function pushLayer(
  deps: ImageDeps, ports: PushPorts, http: Repository, target: Reference, diffId: string, report: Report, signal?: AbortSignal,
): Promise<LayerResult> {
  const id = shortId(diffId)
  const known = knownOnRegistry(ports, diffId, target)
  // known in this very repository: the recorded digest saves compressing it again
  for (const b of known) {
    const size = await http.headBlob(b.digest, signal)
    if (size !== undefined) {
      report({ status: 'Layer already exists', id })
      if (b.repository !== target.path) ports.distribution.put({ ...b, repository: target.path, size })
      return { digest: b.digest, size }
    }
  }
  // A registry that cannot mount opens an upload session instead: the last one opened carries the
  // upload and earlier ones are cancelled, as dockerd does. A refused mount (say, no pull access to
  // the source) is not fatal either: the layer is uploaded.
  let opened: string | undefined
  const drop = async () => {
    if (opened) await cancelUpload(http, opened)
    opened = undefined
  }
  for (const b of mountCandidates(known, target)) {
    let mount: MountResult
    try {
      mount = await http.mountBlob(b.digest, b.repository, signal)
    } catch (e) {
      if (signal?.aborted) {
        await drop()
        throw e
      }
      continue
    }
    if (mount.mounted) {
      await drop()
      report({ status: `Mounted from ${b.repository}`, id })
      ports.distribution.put({ ...b, repository: target.path })
      return { digest: b.digest, size: b.size }
    }
    if (mount.location) {
      await drop()
      opened = mount.location
    }
  }
  if (!(await deps.blobs.has(diffId))) {
    await drop()
    throw new BerthError('internal', `push layer ${id}: its tar ${diffId} is missing from the blob store`)
  }
  const location = opened ?? (await startUpload(http, target.path, signal))
  // from here on the session is ours to cancel, whatever fails (the tar may go between has() and size())
  let gzipped: Transform | undefined
  let sent
  try {
    const total = await deps.blobs.size(diffId)
    gzipped = deps.blobs.stream(diffId).pipe(pushingCounter(id, total, report, progressThrottle())).pipe(createGzip())
    sent = await uploadStream(http, location, gzipped, { chunkSize: ports.chunkSize, signal })
  } catch (e) {
    gzipped?.destroy()
    await cancelUpload(http, location)
    throw e
  }
  report({ status: 'Pushed', id })
  ports.distribution.put({ diffId, digest: sent.digest, mediaType: DOCKER_LAYER_GZIP, size: sent.size, registry: registryHost(target.domain), repository: target.path })
  return { digest: sent.digest, size: sent.size }
}

/** Runs `work` over `items` with at most `limit` at a time, keeping results in order. */
async function inParallel<T, R>(items: T[], limit: number, work: (item: T, i: number) => Promise<R>, onWait: (item: T) => void): Promise<R[]> {
  const results: R[] = new Array(items.length)
  let next = 0
  for (const item of items.slice(limit)) onWait(item)
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      results[i] = await work(items[i]!, i)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return results
}

/** Docker's canonical schema 2 manifest: three-space indented JSON, fields in its order. */
export function schema2Manifest(config: { digest: string; size: number }, layers: LayerResult[]): Buffer {
  const manifest = {
    schemaVersion: 2,
    mediaType: DOCKER_MANIFEST,
    config: { mediaType: DOCKER_CONFIG, size: config.size, digest: config.digest },
    layers: layers.map((l) => ({ mediaType: DOCKER_LAYER_GZIP, size: l.size, digest: l.digest })),
  }
  return Buffer.from(JSON.stringify(manifest, null, 3))
}

async function pushTag(deps: ImageDeps, ports: PushPorts, http: Repository, ref: Reference, image: ImageRecord, o: PushOptions): Promise<void> {
  const report = o.onProgress ?? (() => {})
  const topFirst = [...image.diffIds].reverse()
  for (const d of topFirst) report({ status: 'Preparing', id: shortId(d) })
  // the same diff ID twice in one image is sent once
  const unique = [...new Set(topFirst)]
  // the first failure stops the other uploads too
  const stop = new AbortController()
  const signal = o.signal ? AbortSignal.any([o.signal, stop.signal]) : stop.signal
  const sent = await inParallel(unique, ports.concurrency,
    (d) => pushLayer(deps, ports, http, ref, d, report, signal).catch((e: unknown) => {
      stop.abort(e)
      throw e
    }),
    (d) => report({ status: 'Waiting', id: shortId(d) }))
  const byDiffId = new Map(unique.map((d, i) => [d, sent[i]!]))
  const configBytes = await deps.blobs.read(image.id)
  const configDigest = await ensureBlob(http, ref.path, configBytes, { chunkSize: ports.chunkSize, signal: o.signal })
  const manifest = schema2Manifest({ digest: configDigest, size: configBytes.length }, image.diffIds.map((d) => byDiffId.get(d)!))
  const digest = await http.putManifest(ref.tag!, manifest, DOCKER_MANIFEST, o.signal)
  report({ status: `${ref.tag}: digest: ${digest} size: ${manifest.length}` })
  recordRepoDigest(deps, image.id, `${nameOf(ref)}@${digest}`)
  report({ aux: { Tag: ref.tag!, Digest: digest, Size: manifest.length } })
}

/** Adds `name@digest` to the image's RepoDigests, replacing an older digest of the same name. */
function recordRepoDigest(deps: ImageDeps, imageId: string, repoDigest: string): void {
  const name = repoDigest.slice(0, repoDigest.indexOf('@'))
  deps.images.transaction(() => {
    const current = deps.images.get(imageId)
    if (!current) return
    const others = current.repoDigests.filter((r) => r.slice(0, r.indexOf('@')) !== name)
    deps.images.put({ ...current, repoDigests: [...others, repoDigest] })
  })
}

/**
 * Pushes `name` (a repository, tag in `o.tag`), all its tags when none is given. As dockerd, the
 * first line names the repository before anything is checked, so every refusal is a stream line.
 */
export async function pushImage(deps: ImageDeps, ports: PushPorts, name: string, o: PushOptions): Promise<void> {
  const parsed = parseReference(name)
  const repo: Reference = { domain: parsed.domain, path: parsed.path }
  const asked: Reference = o.tag !== undefined ? { ...repo, tag: o.tag } : parsed
  o.onProgress?.({ status: `The push refers to repository [${nameOf(repo)}]` })
  const targets = tagsToPush(deps, asked)
  // a bearer token must also cover the repositories blobs may be mounted from
  const sources = targets.flatMap((t) => t.image.diffIds.flatMap((d) => mountCandidates(knownOnRegistry(ports, d, repo), repo).map((k) => k.repository)))
  const http = ports.registry.repository({ domain: repo.domain, path: repo.path, auth: o.auth, actions: ['push', 'pull'], alsoPullFrom: [...new Set(sources)] })
  for (const { ref, image } of targets) {
    o.signal?.throwIfAborted()
    await pushTag(deps, ports, http, ref, image, o)
  }
}
