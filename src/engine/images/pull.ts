// `docker pull`: resolve the reference to a manifest (picking this platform from an index),
// fetch the config, download the missing layers (three at a time, each verified while it
// streams, single-flight per digest across pulls), then store the image through createImage,
// which unpacks each layer once and writes the rows last. Nothing is stored before every blob
// is verified; a failure leaves no image row, no new layer and no temporary file. Progress is
// reported in Docker's JSON message vocabulary ("Pulling fs layer", "Downloading", …).
// `docker pull -a` (pullAllTags) does the same for each tag the registry lists, in its order.
import { createReadStream } from 'node:fs'
import { pipeline, Readable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import { progressText, progressThrottle, countProgress, type ProgressDetail } from '../../lib/progress.js'
import { checkTag, familiarName, familiarString, formatReference, nameOf, parseReference, withDefaultTag, type Reference } from '../../lib/reference.js'
import type { ImageConfigJson, ImageRecord } from '../../state/records.js'
import type { DistributionRepository } from '../../state/distribution.js'
import { chainIds, sha256 } from '../../storage/digest.js'
import type { AuthConfig } from '../../registry/auth.js'
import type { RegistryClient, Repository } from '../../registry/client.js'
import type { BlobDownloader, DownloadedBlob } from '../../registry/download.js'
import { registryHost } from '../../registry/endpoint.js'
import { RegistryError } from '../../registry/errors.js'
import { readAll } from '../../registry/http.js'
import { layerCompression, parseManifest, type Descriptor, type ImageManifest, type Platform } from '../../registry/media-types.js'
import { formatPlatform, hostPlatform, matches, parsePlatform, selectManifest } from '../../registry/platform.js'
import { createImage, parseConfig, type LayerSource } from './create.js'
import type { ImageDeps } from './deps.js'

/** One progress line, with Docker's JSON message field names. */
export interface PullMessage {
  id?: string
  status: string
  progressDetail?: ProgressDetail
  progress?: string
}

export interface PullOptions {
  /** `linux/arm64/v8`; default this host's platform. */
  platform?: string
  auth?: AuthConfig
  onProgress?: (m: PullMessage) => void
  signal?: AbortSignal
}

export interface PullDeps extends ImageDeps {
  registry: RegistryClient
  downloads: BlobDownloader
  distribution: DistributionRepository
}

const CONCURRENT_DOWNLOADS = 3
const CONFIG_LIMIT = 16 << 20

const shortId = (digest: string) => digest.slice(7, 19)

/** Docker's pull messages for the registry's refusals (moby's translatePullError). */
export function translatePullError(e: unknown, ref: Reference): unknown {
  if (!(e instanceof RegistryError)) return e
  switch (e.code) {
    case 'MANIFEST_UNKNOWN':
      return new BerthError('not-found', `manifest for ${familiarString(ref)} not found: ${e.message}`, { cause: e })
    case 'NAME_UNKNOWN':
      return new BerthError('not-found', `repository ${familiarName(ref)} not found: ${e.message}`, { cause: e })
    case 'DENIED':
      return new BerthError('not-found', `pull access denied for ${familiarName(ref)}, repository does not exist or may require 'docker login': ${e.message}`, { cause: e })
    case 'UNAUTHORIZED':
      // dockerd passes it on as is (errdefs.Unauthorized, a 401): a registry's refusal of the
      // credentials sent, a token server's, or no credentials for a Basic registry (a 500 there)
      return e
    default:
      return e.status === 404 ? new BerthError('not-found', `manifest for ${familiarString(ref)} not found: manifest unknown: ${e.message}`, { cause: e }) : e
  }
}

/**
 * The reference a pull request names: fromImage plus the API's tag parameter (a tag or a
 * digest). With neither it is the repository alone, and dockerd pulls every tag of it
 * (`docker pull -a`, isNameOnly). As dockerd, a trailing `:` of fromImage is dropped: old
 * clients sent `name:` for --all-tags.
 */
export function pullReference(fromImage: string, tag?: string): Reference {
  const ref = parseReference(fromImage.endsWith(':') ? fromImage.slice(0, -1) : fromImage)
  if (tag) {
    if (/^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}$/.test(tag)) return parseReference(`${nameOf(ref)}@${tag}`)
    return parseReference(`${nameOf(ref)}:${tag}`)
  }
  return ref
}

/** A repository alone, without tag or digest: what `docker pull -a` names. */
export const isNameOnly = (ref: Reference): boolean => ref.tag === undefined && ref.digest === undefined

async function fetchConfig(repo: Repository, d: Descriptor, signal?: AbortSignal): Promise<Buffer> {
  if (d.size > CONFIG_LIMIT) throw new BerthError('invalid', `image config ${d.digest} is too large (${d.size} bytes)`)
  const blob = await repo.openBlob(d.digest, { signal })
  const bytes = await readAll(blob.body, CONFIG_LIMIT)
  if (sha256(bytes) !== d.digest) throw new BerthError('invalid', `image config verification failed for digest ${d.digest}`)
  return bytes
}

/** The image manifest for `platform` (through an index when there is one) and the top digest. */
async function resolveManifest(repo: Repository, ref: Reference, platform: ReturnType<typeof hostPlatform>, signal?: AbortSignal): Promise<{ manifest: ImageManifest; digest: string }> {
  const top = await repo.getManifest(ref.digest ?? ref.tag!, signal)
  const parsed = parseManifest(top.bytes, top.mediaType, formatReference(ref))
  if (parsed.kind === 'manifest') return { manifest: parsed.manifest, digest: top.digest }
  const pick = selectManifest(parsed.index.manifests, platform)
  const inner = await repo.getManifest(pick.digest, signal)
  const innerParsed = parseManifest(inner.bytes, inner.mediaType, formatReference(ref))
  if (innerParsed.kind !== 'manifest') throw new BerthError('invalid', `index ${top.digest} points at another index (${pick.digest})`)
  return { manifest: innerParsed.manifest, digest: top.digest }
}

/** A tiny counting semaphore: at most `n` downloads run at once. */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0
  const queue: Array<() => void> = []
  return async (fn) => {
    if (running >= n) await new Promise<void>((r) => queue.push(r))
    running++
    try {
      return await fn()
    } finally {
      running--
      queue.shift()?.()
    }
  }
}

type Emit = (m: PullMessage) => void
type Progress = (status: string, id: string, current: number, total: number, isFinal: boolean) => boolean

/** Progress lines through moby's per-id throttle (first and final ones always go out). */
function progressReporter(emit: Emit): Progress {
  const mayShow = progressThrottle()
  return (status, id, current, total, isFinal) => {
    if (!mayShow(id, isFinal)) return false
    const detail = { current, total }
    const text = progressText(detail)
    emit(text ? { status, progressDetail: detail, progress: text, id } : { status, progressDetail: detail, id })
    return true
  }
}

/** Refuses what pull cannot store: the wrong platform (when one was asked for), a config that disagrees with its manifest, unknown layer types. */
function checkImage(ref: Reference, wanted: Platform | undefined, manifest: ImageManifest, digest: string, config: ImageConfigJson): void {
  const actual = config.os && config.architecture
    ? { os: String(config.os), architecture: String(config.architecture), ...(config.variant ? { variant: String(config.variant) } : {}) }
    : undefined
  if (wanted && actual && !matches(wanted, actual)) {
    throw new BerthError('not-found', `image with reference ${familiarString(ref)} was found but does not match the specified platform: wanted ${formatPlatform(wanted)}, actual: ${formatPlatform(actual)}`)
  }
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new BerthError('invalid', `manifest ${digest} lists ${manifest.layers.length} layers but its config has ${config.rootfs.diff_ids.length} diff IDs`)
  }
  for (const l of manifest.layers) {
    if (!layerCompression(l.mediaType)) throw new BerthError('not-implemented', `unsupported layer media type ${l.mediaType} (${l.digest})`)
  }
}

/** Indexes of the layers to download; "Already exists", "Pulling fs layer" and "Waiting" said. */
async function missingLayers(deps: PullDeps, manifest: ImageManifest, chains: string[], emit: Emit): Promise<number[]> {
  const missing: number[] = []
  for (let i = 0; i < manifest.layers.length; i++) {
    const id = shortId(manifest.layers[i]!.digest)
    const isPresent = deps.layers.get(chains[i]!) !== undefined && (await deps.layerStore.has(chains[i]!))
    if (isPresent) emit({ status: 'Already exists', id })
    else {
      missing.push(i)
      emit({ status: 'Pulling fs layer', id })
    }
  }
  for (const i of missing.slice(CONCURRENT_DOWNLOADS)) emit({ status: 'Waiting', id: shortId(manifest.layers[i]!.digest) })
  return missing
}

/** Starts the downloads, three at a time; each promise settles with its verified file. */
function startDownloads(deps: PullDeps, repo: Repository, manifest: ImageManifest, missing: number[], report: { emit: Emit; progress: Progress }, signal?: AbortSignal): Map<number, Promise<DownloadedBlob>> {
  const limit = limiter(CONCURRENT_DOWNLOADS)
  const downloads = new Map<number, Promise<DownloadedBlob>>()
  for (const i of missing) {
    const layer = manifest.layers[i]!
    const id = shortId(layer.digest)
    downloads.set(i, limit(async () => {
      signal?.throwIfAborted()
      const got = await deps.downloads.fetch(repo, { digest: layer.digest, size: layer.size }, (current, size) => report.progress('Downloading', id, current, size, current >= size), signal)
      report.emit({ status: 'Verifying Checksum', id })
      report.emit({ status: 'Download complete', id })
      return got
    }))
  }
  return downloads
}

/**
 * Layer sources for createImage: each waits for its download, reports "Extracting", and says
 * "Pull complete" for the layer below when it opens (createImage unpacks them in order).
 */
function layerSources(manifest: ImageManifest, downloads: Map<number, Promise<DownloadedBlob>>, report: { emit: Emit; progress: Progress }): { sources: LayerSource[]; completeAll(): void } {
  let lastOpened: number | undefined
  const completed = new Set<number>()
  const complete = (i: number | undefined) => {
    if (i === undefined || completed.has(i)) return
    completed.add(i)
    report.emit({ status: 'Pull complete', id: shortId(manifest.layers[i]!.digest) })
  }
  async function* bytesOf(i: number, download: Promise<DownloadedBlob>): AsyncGenerator<Buffer> {
    const layer = manifest.layers[i]!
    const id = shortId(layer.digest)
    const { file } = await download
    const counter = countProgress(layer.size, async (current, isFinal) => report.progress('Extracting', id, current, layer.size, isFinal))
    pipeline(createReadStream(file), counter, () => undefined) // a read error reaches us through counter
    yield* counter as AsyncIterable<Buffer>
  }
  const sources = manifest.layers.map((layer, i): LayerSource => ({
    open: () => {
      const download = downloads.get(i)
      // present when checked, gone since (removed by another request): not ours to fetch now
      if (!download) throw new BerthError('conflict', `layer ${layer.digest} was removed while the image was being pulled; pull again`)
      complete(lastOpened)
      lastOpened = i
      return Readable.from(bytesOf(i, download), { objectMode: false })
    },
  }))
  return { sources, completeAll: () => [...downloads.keys()].forEach(complete) }
}

/** What one tag's pull did: the image, and whether the reference is new here (dockerd's pulledNew). */
interface PulledTag {
  record: ImageRecord
  isNew: boolean
}

/** Pulls one tag or digest: its progress lines up to "Digest: …", not the final status line. */
async function pullOne(deps: PullDeps, ref: Reference, opts: PullOptions, emit: Emit): Promise<PulledTag> {
  const wanted = opts.platform ? parsePlatform(opts.platform) : undefined
  const { signal } = opts
  const report = { emit, progress: progressReporter(emit) }
  const repo = deps.registry.repository({ domain: ref.domain, path: ref.path, auth: opts.auth, actions: ['pull'] })

  let resolved: { manifest: ImageManifest; digest: string }
  let configBytes: Buffer
  try {
    resolved = await resolveManifest(repo, ref, wanted ?? hostPlatform(), signal)
    emit({ status: `Pulling from ${ref.path}`, id: ref.digest ?? ref.tag! })
    configBytes = await fetchConfig(repo, resolved.manifest.config, signal)
  } catch (e) {
    throw translatePullError(e, ref)
  }
  const { manifest } = resolved
  const config = parseConfig(configBytes)
  checkImage(ref, wanted, manifest, resolved.digest, config)
  const diffIds = config.rootfs.diff_ids
  const id = sha256(configBytes)
  const repoDigest = `${nameOf(ref)}@${resolved.digest}`
  // dockerd's "newer image": the tag is new or moved here, or (pulled by digest) the digest
  // reference is; an image already stored under another name counts as new for this one
  const isNew = ref.digest === undefined ? deps.images.tagged(formatReference(ref)) !== id : !(deps.images.get(id)?.repoDigests.includes(repoDigest) ?? false)
  // an image whose config is stored already is up to date: its layers are not looked at (as dockerd)
  const missing = deps.images.get(id) ? [] : await missingLayers(deps, manifest, chainIds(diffIds), emit)
  const downloads = startDownloads(deps, repo, manifest, missing, report, signal)
  const allSettled = Promise.allSettled(downloads.values()) // also keeps a failure from going unhandled
  try {
    const { sources, completeAll } = layerSources(manifest, downloads, report)
    const tags = ref.digest === undefined ? [formatReference(ref)] : []
    const { record } = await createImage(deps, { configBytes, layers: sources, tags, repoDigests: [repoDigest] })
    completeAll()
    const registry = registryHost(ref.domain)
    manifest.layers.forEach((l, i) =>
      deps.distribution.put({ diffId: diffIds[i]!, digest: l.digest, mediaType: l.mediaType, size: l.size, registry, repository: ref.path }))
    emit({ status: `Digest: ${resolved.digest}` })
    return { record, isNew }
  } catch (e) {
    // createImage took back the layers it made and their uncompressed tars, unless another call uses them
    throw translatePullError(e, ref)
  } finally {
    for (const r of await allSettled) if (r.status === 'fulfilled') await r.value.release()
  }
}

/** Docker's last line of a pull, naming what was asked for (a tag, a digest or the repository). */
const statusLine = (ref: Reference, isNew: boolean): PullMessage =>
  ({ status: `Status: ${isNew ? 'Downloaded newer image' : 'Image is up to date'} for ${familiarString(ref)}` })

/** Pulls one tag or digest (`busybox` is `busybox:latest`). */
export async function pullImage(deps: PullDeps, refText: string, opts: PullOptions = {}): Promise<ImageRecord> {
  const ref = withDefaultTag(parseReference(refText))
  const emit: Emit = (m) => opts.onProgress?.(m)
  const { record, isNew } = await pullOne(deps, ref, opts, emit)
  emit(statusLine(ref, isNew))
  return record
}

/**
 * `docker pull -a NAME`: every tag the registry lists for the repository, one after the other in
 * the registry's order, each with its own progress lines, then one status line for the
 * repository, as dockerd's pullRepository. The first tag that fails ends the pull; the tags
 * pulled before it stay. A repository without tags pulls nothing and is "up to date".
 */
export async function pullAllTags(deps: PullDeps, name: Reference, opts: PullOptions = {}): Promise<ImageRecord[]> {
  if (!isNameOnly(name)) throw new BerthError('invalid', `pulling every tag of a repository takes the repository alone, not ${familiarString(name)}`)
  const emit: Emit = (m) => opts.onProgress?.(m)
  const repo = deps.registry.repository({ domain: name.domain, path: name.path, auth: opts.auth, actions: ['pull'] })
  let tags: string[]
  try {
    tags = await repo.listTags(opts.signal)
  } catch (e) {
    throw translatePullError(e, name)
  }
  const records: ImageRecord[] = []
  let isNew = false
  for (const tag of tags) {
    opts.signal?.throwIfAborted()
    checkTag(tag) // a registry's tag list is not trusted to hold only tags
    const pulled = await pullOne(deps, { ...name, tag }, opts, emit)
    records.push(pulled.record)
    isNew ||= pulled.isNew
  }
  emit(statusLine(name, isNew))
  return records
}
