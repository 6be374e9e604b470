// Storing an image: layers first (each unpacked once, keyed by chain ID), then the config blob,
// then the rows in one transaction (image, layers, tags). On failure, layers this call created
// (directories, records and uncompressed tars) that nothing else uses are removed again. A call
// claims its layers, their tars and its config blob from its start: removal (rmi, prune) leaves
// what is claimed.
import type { Readable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import { UndoStack } from '../../lib/undo.js'
import type { ImageConfigJson, ImageRecord, LayerRecord } from '../../state/records.js'
import { chainIds, isDigest, sha256 } from '../../storage/digest.js'
import { LAYER_MEDIA_TYPE, type CreatedLayer } from '../../storage/layer-store.js'
import type { ImageDeps } from './deps.js'

export interface LayerSource {
  /** Opens the layer tar (gzip or plain); called only when the layer is not present yet. */
  open(): Readable
}

export interface NewImage {
  /** The config blob exactly as it will be stored: its sha256 is the image ID. */
  configBytes: Buffer
  /** One per diff ID in the config, bottom first. */
  layers: LayerSource[]
  /** Full normalised references to point at the image. */
  tags: string[]
  repoDigests?: string[]
  parent?: string
}

export interface CreatedImage {
  record: ImageRecord
  /** Tags that moved here from another image: ref → previous image ID. */
  moved: Array<{ ref: string; from: string }>
}

export function parseConfig(bytes: Buffer): ImageConfigJson {
  let config: ImageConfigJson
  try {
    config = JSON.parse(bytes.toString('utf8')) as ImageConfigJson
  } catch (e) {
    throw new BerthError('invalid', `invalid image config: ${(e as Error).message}`)
  }
  const ids = config?.rootfs?.diff_ids
  if (!Array.isArray(ids) || !ids.every((d) => typeof d === 'string' && isDigest(d))) {
    throw new BerthError('invalid', 'invalid image config: rootfs.diff_ids must be a list of sha256 digests')
  }
  return config
}

export const layerRecord = (made: CreatedLayer, parent: string | null): LayerRecord => ({
  chainId: made.chainId,
  diffId: made.diffId,
  parent,
  size: made.size,
  blob: { digest: made.diffId, mediaType: LAYER_MEDIA_TYPE, size: made.tarSize },
})

/**
 * What createImage, commitImage and importImage calls in flight stand on, counted per layer
 * repository: chain IDs, `tar <diff ID>` for the uncompressed tars and `config <image ID>` for
 * config blobs. A failed call takes back the layers it made only when no stored image and no
 * other call in flight uses them: a concurrent pull, load or commit may have found the layer (or
 * its tar) present and be about to reference it.
 */
const claims = new WeakMap<object, Map<string, number>>()

const tarKey = (diffId: string) => `tar ${diffId}`
const configKey = (imageId: string) => `config ${imageId}`

export interface Claim {
  /** Whether a call other than this one stands on `key`. */
  othersUse(key: string): boolean
  release(): void
}

/**
 * Whether a call in flight stands on layer `chainId`, with `tar` on the uncompressed tar
 * `diffId`, with `config` on the config blob of image `imageId`: removal (rmi, prune) leaves
 * those for a later one.
 */
export function claimed(deps: ImageDeps, what: { chainId: string } | { tar: string } | { config: string }): boolean {
  const key = 'chainId' in what ? what.chainId : 'tar' in what ? tarKey(what.tar) : configKey(what.config)
  return (claims.get(deps.layers)?.get(key) ?? 0) > 0
}

/**
 * Claims the layers `chains` (with tars `diffIds`), and the config blob of `imageId` when given,
 * for the caller until release.
 */
export function claimLayers(deps: ImageDeps, chains: readonly string[], diffIds: readonly string[], imageId?: string): Claim {
  let counts = claims.get(deps.layers)
  if (!counts) claims.set(deps.layers, (counts = new Map()))
  const held = counts
  const keys = [...chains, ...diffIds.map(tarKey), ...(imageId === undefined ? [] : [configKey(imageId)])]
  for (const c of keys) held.set(c, (held.get(c) ?? 0) + 1)
  return {
    othersUse: (c) => (held.get(c) ?? 0) > 1,
    release: () => {
      for (const c of keys) {
        const n = (held.get(c) ?? 1) - 1
        if (n > 0) held.set(c, n)
        else held.delete(c)
      }
    },
  }
}

/**
 * Takes back a layer a failed call made, while the caller still holds its claim: its record and
 * directory unless a stored image or another call stands on it, then its tar unless a remaining
 * layer record or another call wants it (LayerStore.removeTar asks in turn with adopts).
 */
export async function dropLayer(deps: ImageDeps, held: Claim, chainId: string, diffId: string): Promise<void> {
  if (!held.othersUse(chainId) && !deps.images.list().some((im) => im.chainIds.includes(chainId))) {
    // the record first: a call starting now finds the layer absent and makes its own, placed
    // after our removal (LayerStore serialises both per chain)
    deps.layers.remove(chainId)
    await deps.layerStore.remove(chainId)
  }
  await deps.layerStore.removeTar(diffId, () => held.othersUse(tarKey(diffId)) || deps.layers.list().some((l) => l.blob?.digest === diffId))
}

/**
 * Writes and removals of config blobs, per blob store and image ID, one at a time: a removal
 * asks whether the blob is wanted and deletes it with no write of the same blob in between, so a
 * call that found the blob present never has it deleted under it.
 */
const configTurns = new WeakMap<object, Map<string, Promise<void>>>()

async function inConfigTurn(deps: ImageDeps, imageId: string, fn: () => Promise<void>): Promise<void> {
  let turns = configTurns.get(deps.blobs)
  if (!turns) configTurns.set(deps.blobs, (turns = new Map()))
  const queue = turns
  const mine = (queue.get(imageId) ?? Promise.resolve()).then(fn)
  const tail = mine.catch(() => undefined)
  queue.set(imageId, tail)
  try {
    await mine
  } finally {
    if (queue.get(imageId) === tail) queue.delete(imageId)
  }
}

/**
 * Removes the config blob of image `imageId` unless an image record or a call in flight (which
 * claims it from its start, before it writes the blob) still wants it.
 */
export function removeConfig(deps: ImageDeps, imageId: string): Promise<void> {
  return inConfigTurn(deps, imageId, async () => {
    if (!claimed(deps, { config: imageId }) && !deps.images.get(imageId)) await deps.blobs.remove(imageId)
  })
}

/**
 * Layers being made, per layer repository and chain ID: a pull or load that needs a layer another
 * call is unpacking waits for that call's result instead of unpacking it a second time.
 */
const making = new WeakMap<object, Map<string, Promise<LayerRecord>>>()

/**
 * The layer `chainId`, made by `make` unless another call in flight is making it already; then
 * that call's record, or, if it failed, ours after all. `made`: whether this call or the one it
 * waited for unpacked the layer (rather than finding it stored).
 */
async function sharedLayer(deps: ImageDeps, chainId: string, make: () => Promise<LayerRecord>): Promise<{ record: LayerRecord; made: boolean }> {
  let inFlight = making.get(deps.layers)
  if (!inFlight) making.set(deps.layers, (inFlight = new Map()))
  const calls = inFlight
  let failed: Promise<LayerRecord> | undefined
  for (let other = calls.get(chainId); other && other !== failed; other = calls.get(chainId)) {
    const record = await other.catch(() => undefined)
    if (record) return { record, made: true }
    failed = other // its own call reports the failure; another may have started over meanwhile
  }
  const existing = deps.layers.get(chainId)
  if (existing && (await deps.layerStore.has(chainId))) return { record: existing, made: false }
  // checked again: another call may have begun making it while we looked
  const started = calls.get(chainId)
  if (started && started !== failed) return sharedLayer(deps, chainId, make)
  const mine = make()
  calls.set(chainId, mine)
  try {
    return { record: await mine, made: true }
  } finally {
    if (calls.get(chainId) === mine) calls.delete(chainId)
  }
}

/** Makes sure every layer of `diffIds` is unpacked; returns the layer records, bottom first. */
async function ensureLayers(deps: ImageDeps, diffIds: string[], sources: LayerSource[], undo: UndoStack, held: Claim): Promise<LayerRecord[]> {
  const chains = chainIds(diffIds)
  const out: LayerRecord[] = []
  for (let i = 0; i < diffIds.length; i++) {
    const chainId = chains[i]!
    const parent = i === 0 ? null : chains[i - 1]!
    const { record, made } = await sharedLayer(deps, chainId, async () => {
      const record = layerRecord(await deps.layerStore.create(sources[i]!.open(), parent, diffIds[i]), parent)
      deps.layers.put(record)
      return record
    })
    // a layer made for this call, even by another one, is taken back if this call fails and
    // nothing else stands on it then (the maker's own undo skipped it while we held our claim)
    if (made) undo.push(() => dropLayer(deps, held, chainId, record.diffId))
    out.push(record)
  }
  return out
}

export async function createImage(deps: ImageDeps, image: NewImage): Promise<CreatedImage> {
  const config = parseConfig(image.configBytes)
  const diffIds = config.rootfs.diff_ids
  if (diffIds.length !== image.layers.length) {
    throw new BerthError('invalid', `image config lists ${diffIds.length} layers but ${image.layers.length} were given`)
  }
  const undo = new UndoStack()
  const id = sha256(image.configBytes)
  const held = claimLayers(deps, chainIds(diffIds), diffIds, id)
  try {
    const layers = await ensureLayers(deps, diffIds, image.layers, undo, held)
    await inConfigTurn(deps, id, async () => void (await deps.blobs.put(image.configBytes)))
    const existing = deps.images.get(id)
    const record: ImageRecord = {
      id,
      config,
      diffIds,
      chainIds: chainIds(diffIds),
      size: layers.reduce((n, l) => n + l.size, 0),
      created: existing?.created ?? config.created ?? new Date().toISOString(),
      repoDigests: [...new Set([...(existing?.repoDigests ?? []), ...(image.repoDigests ?? [])])],
    }
    const parent = image.parent ?? existing?.parent
    if (parent) record.parent = parent
    const moved: CreatedImage['moved'] = []
    deps.images.transaction(() => {
      deps.images.put(record)
      for (const ref of image.tags) {
        const from = deps.images.setTag(ref, id)
        if (from) moved.push({ ref, from })
      }
    })
    undo.discard()
    return { record, moved }
  } catch (e) {
    await undo.run()
    throw e
  } finally {
    held.release()
  }
}
