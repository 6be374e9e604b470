// The image service: the engine's one entry point for local images. It resolves refs once at
// the start of each method and delegates each verb to its own module. Wiring: a database and
// the data root's paths; host effects come in through `host` (storage/host.ts by default).
// It logs the image events (image-events.ts) once a verb has succeeded, so every caller (the
// API, the builder, a container commit) gets them alike.
import type { Readable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import type { Paths } from '../../lib/paths.js'
import { checkTag, familiarOf, formatReference, parseReference, withDefaultTag } from '../../lib/reference.js'
import type { Db } from '../../state/db.js'
import { ImageRepository } from '../../state/images.js'
import { LayerRepository } from '../../state/layers.js'
import type { ImageRecord } from '../../state/records.js'
import { BlobStore } from '../../storage/blobs.js'
import { hostImageHost, type ImageHost } from '../../storage/host.js'
import { LayerStore } from '../../storage/layer-store.js'
import { BUILTIN_REF, buildBuiltin, layerStream } from './builtin.js'
import { createImage } from './create.js'
import { pullAllTags, pullImage, type PullMessage, type PullOptions, type PullDeps } from './pull.js'
import { PUSH_CONCURRENCY, pushImage, type PushMessage, type PushOptions } from './push.js'
import type { AuthConfig } from '../../registry/auth.js'
import { checkLogin, type LoginResult } from '../../registry/login.js'
import { DEFAULT_CHUNK_SIZE } from '../../registry/upload.js'
import { RegistryClient } from '../../registry/client.js'
import { BlobDownloader } from '../../registry/download.js'
import { DEFAULT_CERTS_DIR, type RegistryPolicy } from '../../registry/endpoint.js'
import { DistributionRepository } from '../../state/distribution.js'
import { commitImage, type CommitImageOptions, type CommittedImage } from './commit.js'
import { getXattr, listXattrs } from '../../sys/ffi.js'
import type { ImageDeps } from './deps.js'
import { ancestry, imageHistory, type HistoryItem } from './history.js'
import { checkImport, importImage, type ImportOptions } from './import.js'
import { listImages, summarize, type Filters, type ImageSummary, type ListOptions } from './list.js'
import { imageDiskUsage, measureLayers, type ImageDiskUsage } from './disk-usage.js'
import { load, type ReportProgress } from './load.js'
import { pruneImages, type PruneOptions, type PruneReport } from './prune.js'
import { collectOrphanLayers, removeImage, removeUnrecordedLayers, type DeleteItem, type HeldDirs, type InUse, type RemoveOptions } from './remove.js'
import { resolveImage } from './resolve.js'
import { saveImages } from './save.js'
import type { EngineEvent } from '../events.js'
import { ownEvent, removalEvents, tagEvent, transferEvent, type ImagesBefore } from './image-events.js'

export type { CommitImageOptions, CommittedImage }
export type { PullMessage, PullOptions }
export type { LoginResult, PushMessage, PushOptions }
export type { ImageDiskUsage }
export type { DeleteItem, Filters, HeldDirs, HistoryItem, ImageSummary, ImportOptions, InUse, PruneOptions, PruneReport, RemoveOptions }

export class ImageService {
  private readonly deps: ImageDeps

  private readonly pullDeps: PullDeps

  constructor(
    db: Db,
    paths: Paths,
    private readonly host: ImageHost = hostImageHost,
    /** --insecure-registry and --registry-certs-dir */
    private readonly registryPolicy: RegistryPolicy = { insecureRegistries: [], certsDir: DEFAULT_CERTS_DIR },
    /** The engine's event bus. */
    private readonly emit: (e: EngineEvent) => void = () => undefined,
  ) {
    const blobs = new BlobStore(paths.blobs, paths.tmp)
    this.deps = {
      paths,
      images: new ImageRepository(db),
      layers: new LayerRepository(db),
      blobs,
      layerStore: new LayerStore(paths.layers, paths.tmp, blobs, host.nodeOps),
    }
    this.registry = new RegistryClient(this.registryPolicy)
    this.distribution = new DistributionRepository(db)
    this.pullDeps = { ...this.deps, registry: this.registry, downloads: new BlobDownloader(paths.tmp), distribution: this.distribution }
  }

  /** The daemon's registry client (keep-alive connections, token cache): push shares it. */
  readonly registry: RegistryClient
  /** Where pulled layers came from: push reads it to skip uploads and mount across repositories. */
  readonly distribution: DistributionRepository

  /**
   * `docker pull`: `ref` as the user typed it (`busybox`, `127.0.0.1:5000/x:1`, `x@sha256:…`).
   * Errors before the first progress message are Docker's (404 manifest unknown, pull access
   * denied…); the route turns later ones into a stream's error line.
   */
  async pull(ref: string, opts: PullOptions = {}): Promise<ImageRecord> {
    const image = await pullImage(this.pullDeps, ref, opts)
    this.emit(transferEvent('pull', withDefaultTag(parseReference(ref)), image))
    return image
  }

  /** `docker pull -a`: every tag of the repository `name`; one pull event for the repository, as dockerd. */
  async pullAllTags(name: string, opts: PullOptions = {}): Promise<ImageRecord[]> {
    const ref = parseReference(name)
    const images = await pullAllTags(this.pullDeps, ref, opts)
    this.emit(transferEvent('pull', ref))
    return images
  }

  /** `docker push` (images/push.ts): `name` is a repository; its every tag unless `opts.tag` names one. */
  async push(name: string, opts: PushOptions = {}): Promise<void> {
    const ports = { registry: this.registry, distribution: this.distribution, chunkSize: DEFAULT_CHUNK_SIZE, concurrency: PUSH_CONCURRENCY }
    await pushImage(this.deps, ports, name, opts)
    const ref = parseReference(name)
    if (opts.tag !== undefined) ref.tag = opts.tag
    this.emit(transferEvent('push', ref, this.find(formatReference(ref))))
  }

  /** `docker login`: checks credentials against their registry (registry/login.ts); stores nothing. */
  login(auth: AuthConfig): Promise<LoginResult> {
    return checkLogin(this.registry.http, this.registryPolicy, auth)
  }

  /** Makes sure `busybox:latest` exists, building it from the host's /bin/busybox if not. */
  async ensureBuiltin(busyboxPath = '/bin/busybox'): Promise<ImageRecord> {
    const id = this.deps.images.tagged(BUILTIN_REF)
    const existing = id ? this.deps.images.get(id) : undefined
    if (existing) return existing
    const built = await buildBuiltin((b) => this.host.listApplets(b), busyboxPath)
    const { record } = await createImage(this.deps, {
      configBytes: built.configBytes,
      layers: [{ open: () => layerStream(built.layer) }],
      tags: [BUILTIN_REF],
    })
    return record
  }

  resolve(ref: string): ImageRecord {
    return resolveImage(this.deps.images, ref)
  }

  list(opts: ListOptions = {}): ImageSummary[] {
    return listImages(this.deps.images, opts)
  }

  /** Image ID → bytes of its layers other images also have, for `listed` (GET /images/json?shared-size=1). */
  sharedSizes(listed: readonly ImageRecord[]): Map<string, number> {
    return measureLayers(listed, this.deps.images.list(), this.deps.layers.list()).sharedSize
  }

  /** `docker system df`'s images, each with its shared size, and the size of their layers. */
  diskUsage(): ImageDiskUsage {
    return imageDiskUsage(this.deps.images, this.deps.layers)
  }

  inspect(ref: string): ImageSummary {
    return summarize(this.deps.images, this.resolve(ref))
  }

  history(ref: string): HistoryItem[] {
    const image = this.resolve(ref)
    const layers = image.chainIds.map((c) => this.deps.layers.get(c))
    const images = this.deps.images
    const chain = ancestry(image, (id) => images.get(id), (id) => images.tagsOf(id).map(familiarOf).sort())
    return imageHistory(image, layers, chain)
  }

  /** `docker tag`: `repo` may carry the tag itself; `tag` defaults to latest. */
  tag(source: string, repo: string, tag?: string): void {
    const image = this.resolve(source)
    const ref = parseReference(repo)
    if (ref.digest !== undefined) throw new BerthError('invalid', 'refusing to create a tag with a digest reference')
    if (tag) {
      if (ref.tag !== undefined) throw new BerthError('invalid', 'invalid reference format')
      checkTag(tag)
      ref.tag = tag
    }
    ref.tag ??= 'latest'
    this.deps.images.setTag(formatReference(ref), image.id)
    this.emit(tagEvent(image, formatReference(ref)))
  }

  /**
   * `docker rmi`. `held` names the lower directories containers mount: those layers outlive
   * their image, and go on a later remove or prune once no container holds them.
   */
  async remove(ref: string, opts: RemoveOptions, inUse: InUse, held?: HeldDirs): Promise<DeleteItem[]> {
    const before = this.snapshot()
    const items = await removeImage(this.deps, ref, opts, inUse, held)
    for (const e of removalEvents(items, before)) this.emit(e)
    if (held) await collectOrphanLayers(this.deps, held())
    return items
  }

  /** Removes the layers of images that are gone, once no container in `held` mounts them. */
  collectOrphans(held: HeldDirs): Promise<void> {
    return collectOrphanLayers(this.deps, held())
  }

  /**
   * Startup reconcile, while no call is in flight: a daemon that died mid-pull, load or commit
   * may have placed a layer directory without its row, or a layer row without its image. Both go
   * unless a container mounts them.
   */
  async reconcile(held: HeldDirs): Promise<void> {
    await removeUnrecordedLayers(this.deps)
    await collectOrphanLayers(this.deps, held())
  }

  /** `docker image prune`: dangling (or unused) images, skipping any a container uses. */
  async prune(opts: PruneOptions, inUse: InUse, held?: HeldDirs): Promise<PruneReport> {
    const before = this.snapshot()
    const report = await pruneImages(this.deps, opts, inUse, held)
    for (const e of removalEvents(report.deleted, before)) this.emit(e)
    this.emit({ type: 'image', action: 'prune', id: '', attributes: { reclaimed: String(report.reclaimed) } })
    if (held) await collectOrphanLayers(this.deps, held())
    return report
  }

  /** Loads an image archive; returns the IDs of the images it held. */
  /** `progress` (absent when the client asked for quiet) gets "Loading layer" lines. */
  async load(input: Readable, onMessage: (line: string) => void, progress?: ReportProgress): Promise<string[]> {
    const ids = await load(this.deps, input, onMessage, progress)
    for (const id of ids) this.emitOwn('load', id)
    return ids
  }

  /** A docker-archive tar of the images `refs` name. */
  save(refs: string[]): Readable {
    return saveImages(this.deps, refs, (id) => this.emitOwn('save', id))
  }

  /** Rejects bad `--change` instructions and names before an import starts streaming. */
  checkImport(opts: ImportOptions): void {
    checkImport(opts)
  }

  /** `docker import`: a rootfs tarball becomes a one-layer image; returns its ID. */
  async import(input: Readable, opts: ImportOptions): Promise<string> {
    const id = await importImage(this.deps, input, opts)
    const image = this.deps.images.get(id)
    if (image) for (const t of checkImport(opts).tags) this.emit(tagEvent(image, t))
    this.emitOwn('import', id)
    return id
  }

  /** `docker commit` and each builder step: `layerDir` becomes a layer on `parentId` (images/commit.ts). */
  async commit(opts: CommitImageOptions): Promise<CommittedImage> {
    const committed = await commitImage(this.deps, { ...this.host.nodeOps, getXattr, listXattrs }, opts)
    const image = this.deps.images.get(committed.id)
    if (image) {
      this.emit(ownEvent('create', image))
      for (const t of opts.tags ?? []) this.emit(tagEvent(image, t))
    }
    return committed
  }

  /** The image `ref` names, or undefined. */
  private find(ref: string): ImageRecord | undefined {
    try {
      return this.resolve(ref)
    } catch {
      return undefined
    }
  }

  private emitOwn(action: 'load' | 'save' | 'import', id: string): void {
    const image = this.deps.images.get(id)
    if (image) this.emit(ownEvent(action, image))
  }

  /** The images and their references before an rmi or prune, to name what it reports. */
  private snapshot(): ImagesBefore {
    const images = this.deps.images.list()
    const byId = new Map(images.map((im) => [im.id, im]))
    const byRef = new Map<string, ImageRecord>()
    for (const t of this.deps.images.allTags()) if (byId.has(t.imageId)) byRef.set(familiarOf(t.ref), byId.get(t.imageId)!)
    for (const im of images) for (const d of im.repoDigests) byRef.set(familiarOf(d), im)
    return { byId, byRef }
  }

  /** Layer directories of an image, top first (overlay lowerdir order). */
  lowerDirs(imageId: string): string[] {
    const image = this.deps.images.get(imageId)
    if (!image) throw new BerthError('not-found', `No such image: ${imageId}`)
    return [...image.chainIds].reverse().map((c) => this.deps.layerStore.diffDir(c))
  }
}
