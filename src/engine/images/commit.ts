// Committing a directory as a new image on top of a parent: what `docker commit` and each step of
// the Dockerfile builder end with. The directory (a container's overlay upper dir, or any plain
// tree) is packed as an OCI layer tar (storage/pack.ts: overlay whiteouts and opaque dirs become
// `.wh.` entries) into the blob store, and the layer directory is built in the same pass
// (storage/layer-copy.ts) rather than by unpacking the tar again, then adopted by the layer store:
// keyed by chain ID like any pulled layer, present once. The image config follows moby's NewChildImage: the parent's
// rootfs and history plus one entry, `config` as given, `parent` recorded for local images.
//
// Invariants: a layer whose tar is empty (nothing changed) is not added, and its history entry
// says `empty_layer: true`, as Docker does; the same for `layerDir` undefined (metadata-only
// build steps). On failure nothing new is left that no one else uses (create.ts dropLayer).
//
// Usage (the builder):
//   const id = await images.commit({
//     parentId: current?.id,                      // undefined: FROM scratch
//     layerDir: upperDir,                         // undefined: metadata-only step
//     exclude: { paths: [...GENERATED_FILES] },   // leave out runc's mount-point files; for a
//                                                 // container that ran, containerLayerExclusion()
//                                                 // (containers/commit.ts) adds mounts and /dev…
//     config, history: { created_by: '/bin/sh -c #(nop)  CMD ["sh"]' },
//   })
import { rm } from 'node:fs/promises'
import { BerthError } from '../../lib/errors.js'
import type { ImageConfigJson } from '../../state/records.js'
import { chainIdOf } from '../../storage/digest.js'
import { packAndCopy, type PackedLayer } from '../../storage/layer-copy.js'
import type { CreatedLayer } from '../../storage/layer-store.js'
import { EMPTY_TAR_DIFF_ID, type LayerExclusion, type XattrLister } from '../../storage/pack.js'
import type { NodeOps } from '../../storage/unpack.js'
import type { ContainerConfig } from './change.js'
import { claimLayers, createImage, dropLayer, layerRecord } from './create.js'
import type { ImageDeps } from './deps.js'

export type { LayerExclusion }

/** Files berth bind-mounts into every container; their mount points never belong in an image. */
export const GENERATED_FILES = ['etc/hosts', 'etc/hostname', 'etc/resolv.conf'] as const

export interface CommitImageOptions {
  /** The image the container or build step started from; undefined: scratch. */
  parentId?: string
  /** A tree that becomes the new layer; undefined: no new layer (a metadata-only step). */
  layerDir?: string
  /** Paths relative to `layerDir` (no leading slash) to leave out of the layer. */
  exclude?: LayerExclusion
  /** The new image's `config` (Cmd, Env, …), used as given. */
  config: ContainerConfig
  /** Recorded as `container_config` (Docker: the committed container's config). */
  containerConfig?: ContainerConfig
  /** The committed container's ID, recorded as `container`. */
  container?: string
  /** The new history entry; `created` and `empty_layer` are filled in. */
  history: { created_by?: string; comment?: string; author?: string }
  /** The image's `author` field. */
  author?: string
  /** Full normalised references to tag the image with (tags move from other images). */
  tags?: string[]
  /** `created` for both the image and its history entry; now when omitted. */
  created?: string
  /**
   * Called once the layer is packed, before anything is stored; throwing abandons the commit.
   * A container removed while its layer was read may have lost files to the removal silently.
   */
  stillValid?: () => void
}

export interface CommittedImage {
  /** sha256:… of the config blob. */
  id: string
  /** Tags that moved here from another image: ref → previous image ID. */
  moved: Array<{ ref: string; from: string }>
}

const HOST_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x' }

/** The parent image's config, or what a scratch base contributes. */
function baseOf(deps: ImageDeps, parentId: string | undefined): ImageConfigJson {
  if (parentId === undefined) return { architecture: HOST_ARCH[process.arch] ?? process.arch, os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }
  const parent = deps.images.get(parentId)
  if (!parent) throw new BerthError('not-found', `No such image: ${parentId}`)
  return parent.config
}

/** The config blob's JSON; keys in the order Docker writes them. */
export function childConfig(base: ImageConfigJson, opts: CommitImageOptions, diffId: string | undefined, created: string): ImageConfigJson {
  const entry: NonNullable<ImageConfigJson['history']>[number] = { created }
  if (opts.history.author) entry.author = opts.history.author
  if (opts.history.created_by !== undefined) entry.created_by = opts.history.created_by
  if (opts.history.comment) entry.comment = opts.history.comment
  if (diffId === undefined) entry.empty_layer = true
  const out: ImageConfigJson = {
    architecture: base.architecture ?? HOST_ARCH[process.arch] ?? process.arch,
    ...(opts.author ? { author: opts.author } : {}),
    config: opts.config,
    ...(opts.container ? { container: opts.container } : {}),
    ...(opts.containerConfig ? { container_config: opts.containerConfig } : {}),
    created,
    history: [...(base.history ?? []), entry],
    os: base.os ?? 'linux',
    rootfs: { type: 'layers', diff_ids: [...base.rootfs.diff_ids, ...(diffId ? [diffId] : [])] },
  }
  if (base.variant) out.variant = base.variant
  return out
}

type LayerIo = XattrLister & Pick<NodeOps, 'mknod' | 'mkWhiteout' | 'setXattr'>

/**
 * Packs `dir` into a fresh work directory of the layer store, building the layer directory in the
 * same pass (storage/layer-copy.ts) instead of unpacking the tar again. Undefined when nothing
 * changed (the empty tar).
 */
async function packDir(deps: ImageDeps, io: LayerIo, dir: string, exclude: LayerExclusion | undefined): Promise<{ work: string; packed: PackedLayer } | undefined> {
  const work = await deps.layerStore.workDir('commit-')
  try {
    const packed = await packAndCopy(dir, work, io, exclude)
    if (packed.diffId !== EMPTY_TAR_DIFF_ID) return { work, packed }
  } catch (e) {
    await rm(work, { recursive: true, force: true })
    throw e
  }
  await rm(work, { recursive: true, force: true })
  return undefined
}

export async function commitImage(deps: ImageDeps, io: LayerIo, opts: CommitImageOptions): Promise<CommittedImage> {
  const base = baseOf(deps, opts.parentId)
  const parent = opts.parentId ? deps.images.get(opts.parentId) : undefined
  const parentChain = parent?.chainIds.at(-1) ?? null
  const created = opts.created ?? new Date().toISOString()
  const prepared = opts.layerDir === undefined ? undefined : await packDir(deps, io, opts.layerDir, opts.exclude)
  try {
    opts.stillValid?.()
  } catch (e) {
    if (prepared) await rm(prepared.work, { recursive: true, force: true })
    throw e
  }
  const diffId = prepared?.packed.diffId
  // held from before the layer is stored: a failing pull of the same layer must not take it back
  const held = diffId === undefined ? undefined : claimLayers(deps, [chainIdOf(parentChain, diffId)], [diffId])
  let made: CreatedLayer | undefined
  try {
    if (prepared) {
      const layer = await deps.layerStore.adopt(prepared.work, prepared.packed, parentChain)
      // Recorded now so createImage finds the layer present and never opens a source.
      if (!deps.layers.get(layer.chainId)) {
        deps.layers.put(layerRecord(layer, parentChain))
        made = layer
      }
    }
    return await createChild(deps, base, opts, diffId, created)
  } catch (e) {
    if (made && held) await dropLayer(deps, held, made.chainId, made.diffId)
    throw e
  } finally {
    held?.release()
  }
}

/** The image on `base` with the new layer `diffId` (present in the store by now), or none. */
async function createChild(deps: ImageDeps, base: ImageConfigJson, opts: CommitImageOptions, diffId: string | undefined, created: string): Promise<CommittedImage> {
  const configBytes = Buffer.from(JSON.stringify(childConfig(base, opts, diffId, created)))
  const reopen = () => {
    throw new BerthError('internal', 'commit: a parent layer is missing from the layer store')
  }
  const { record, moved } = await createImage(deps, {
    configBytes,
    layers: [...base.rootfs.diff_ids, ...(diffId ? [diffId] : [])].map(() => ({ open: reopen })),
    tags: opts.tags ?? [],
    parent: opts.parentId,
  })
  return { id: record.id, moved }
}
