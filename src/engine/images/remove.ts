// `docker rmi`: untag and delete, with Docker's conflict rules and texts (moby
// daemon/images/image_delete.go). Removing a name only untags while other references remain;
// removing by ID untags everything when all references are in one repository. Layers no image
// uses any more (and no pull or load in flight stands on) are deleted (row, then directory, then
// tar) and reported as `Deleted: <chain ID>`. The config blob goes with the image, unless such a
// call stands on it.
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { BerthError } from '../../lib/errors.js'
import { shortId } from '../../lib/ids.js'
import { familiarOf, formatReference, nameOf, parseReference, type Reference } from '../../lib/reference.js'
import type { ImageRecord } from '../../state/records.js'
import { claimed, removeConfig } from './create.js'
import type { ImageDeps } from './deps.js'
import { resolveDetailed } from './resolve.js'

export type DeleteItem = { Untagged: string } | { Deleted: string }

/** A container using an image: its ID, or its ID and whether it runs. */
export type ImageUser = string | { id: string; running: boolean }
export type InUse = (imageId: string) => ImageUser | undefined
/** Overlay lower directories that containers mount: their layers stay until the containers go. */
export type HeldDirs = () => ReadonlySet<string>
const noneHeld: HeldDirs = () => new Set()

export interface RemoveOptions {
  force?: boolean
  noPrune?: boolean
}

const userOf = (u: ImageUser) => (typeof u === 'string' ? { id: u, running: false } : u)

/** All references (tags and digests) to an image, as parsed references. */
function refsOf(deps: ImageDeps, image: ImageRecord): Reference[] {
  return [...deps.images.tagsOf(image.id), ...image.repoDigests].map((r) => parseReference(r))
}

/** At most one tag, and every reference in the same repository. */
function isSingleReference(refs: Reference[]): boolean {
  if (refs.filter((r) => r.digest === undefined).length > 1) return false
  return new Set(refs.map(nameOf)).size <= 1
}

function removeRef(deps: ImageDeps, image: ImageRecord, ref: Reference): void {
  const s = formatReference(ref)
  if (ref.digest !== undefined) {
    image.repoDigests = image.repoDigests.filter((d) => d !== s)
    deps.images.put(image)
  } else {
    deps.images.removeTag(s)
  }
}

type Conflict = { hard: boolean; used: boolean; message: string }

function conflictOf(deps: ImageDeps, image: ImageRecord, inUse: InUse, soft: boolean, activeRefs: boolean): Conflict | undefined {
  if (deps.images.list().some((im) => im.parent === image.id)) return { hard: true, used: false, message: 'image has dependent child images' }
  const user = inUse(image.id)
  const u = user === undefined ? undefined : userOf(user)
  if (u?.running) return { hard: true, used: true, message: `image is being used by running container ${shortId(u.id)}` }
  if (soft && activeRefs && refsOf(deps, image).length > 0) return { hard: false, used: false, message: 'image is referenced in multiple repositories' }
  if (soft && u) return { hard: false, used: true, message: `image is being used by stopped container ${shortId(u.id)}` }
  return undefined
}

const conflictError = (image: ImageRecord, c: Conflict) =>
  new BerthError('conflict', `conflict: unable to delete ${shortId(image.id)} (${c.hard ? 'cannot be forced' : 'must be forced'}) - ${c.message}`)

export async function removeImage(deps: ImageDeps, ref: string, opts: RemoveOptions, inUse: InUse, held: HeldDirs = noneHeld): Promise<DeleteItem[]> {
  const force = opts.force ?? false
  const { image, named } = resolveDetailed(deps.images, ref)
  const items: DeleteItem[] = []
  let refs = refsOf(deps, image)
  let quiet = false
  if (named) {
    if (!force && isSingleReference(refs)) {
      const user = inUse(image.id)
      if (user !== undefined) {
        throw new BerthError('conflict', `conflict: unable to remove repository reference "${ref}" (must force) - container ${shortId(userOf(user).id)} is using its referenced image ${shortId(image.id)}`)
      }
    }
    removeRef(deps, image, named)
    items.push({ Untagged: familiarOf(formatReference(named)) })
    refs = refsOf(deps, image)
    if (named.digest === undefined && !refs.some((r) => r.digest === undefined && nameOf(r) === nameOf(named))) {
      for (const r of refs.filter((r) => r.digest !== undefined && nameOf(r) === nameOf(named))) {
        removeRef(deps, image, r)
        items.push({ Untagged: familiarOf(formatReference(r)) })
      }
      refs = refsOf(deps, image)
    }
    if (refs.length > 0) return items
    quiet = true
  } else if (isSingleReference(refs)) {
    const c = conflictOf(deps, image, inUse, !force, false)
    if (c) throw conflictError(image, c)
    for (const r of refs) {
      removeRef(deps, image, r)
      items.push({ Untagged: familiarOf(formatReference(r)) })
    }
  }
  await deleteHelper(deps, image, items, force, !opts.noPrune, quiet, inUse, held)
  return items
}

async function deleteHelper(deps: ImageDeps, image: ImageRecord, items: DeleteItem[], force: boolean, prune: boolean, quiet: boolean, inUse: InUse, held: HeldDirs): Promise<void> {
  const c = conflictOf(deps, image, inUse, !force, true)
  if (c) {
    const dangling = deps.images.tagsOf(image.id).length === 0
    if (quiet && (!dangling || c.used)) return
    throw conflictError(image, c)
  }
  for (const r of refsOf(deps, image)) {
    removeRef(deps, image, r)
    items.push({ Untagged: familiarOf(formatReference(r)) })
  }
  deps.images.remove(image.id)
  items.push({ Deleted: image.id })
  for (const chainId of await collectLayers(deps, image, held())) items.push({ Deleted: chainId })
  // a pull of the same image in flight may have just stored its config again
  await removeConfig(deps, image.id)
  if (!prune || !image.parent) return
  const parent = deps.images.get(image.parent)
  if (parent && deps.images.tagsOf(parent.id).length === 0) await deleteHelper(deps, parent, items, false, true, true, inUse, held)
}

/**
 * Removes the image's layers that no remaining image uses and no container mounts (as moby's
 * layer store keeps a layer referenced by a container's read-write layer); returns their chain
 * IDs, top first.
 */
export function collectLayers(deps: ImageDeps, image: ImageRecord, heldDirs: ReadonlySet<string> = new Set()): Promise<string[]> {
  return removeUnusedLayers(deps, [...image.chainIds].reverse(), heldDirs)
}

/**
 * Layers left behind when an image went while a container still mounted them: removes every
 * layer no image uses and no container holds. Silent, as their release is not an image delete.
 */
export async function collectOrphanLayers(deps: ImageDeps, heldDirs: ReadonlySet<string>): Promise<void> {
  const all = deps.layers.list()
  const parentOf = new Map(all.map((l) => [l.chainId, l.parent]))
  const depth = (id: string | null): number => (id && parentOf.has(id) ? 1 + depth(parentOf.get(id)!) : 0)
  const topFirst = all.map((l) => l.chainId).sort((a, b) => depth(b) - depth(a))
  await removeUnusedLayers(deps, topFirst, heldDirs)
}

/**
 * Removes each of `chainIds` (in the order given) that nothing uses: row, directory, then tar.
 * A layer or tar a pull, load or commit in flight stands on stays (it may have found it present
 * and be about to reference it); a later rmi or prune takes it. Whether an image uses a layer is
 * asked afresh each time, in the same step as its row goes: such a call may have stored its
 * image meanwhile, and one that starts after finds the row gone and makes the layer anew.
 */
async function removeUnusedLayers(deps: ImageDeps, chainIds: string[], heldDirs: ReadonlySet<string>): Promise<string[]> {
  const removed: string[] = []
  for (const chainId of chainIds) {
    if (claimed(deps, { chainId }) || heldDirs.has(deps.layerStore.diffDir(chainId))) continue
    if (deps.images.list().some((im) => im.chainIds.includes(chainId))) continue
    const layer = deps.layers.get(chainId)
    deps.layers.remove(chainId)
    await deps.layerStore.remove(chainId)
    const tar = layer?.blob?.digest
    if (tar) await deps.layerStore.removeTar(tar, () => claimed(deps, { tar }) || deps.layers.list().some((l) => l.blob?.digest === tar))
    removed.push(chainId)
  }
  return removed
}

/** Layer directories with no layer row (placed by a call the daemon died in): removed. */
export async function removeUnrecordedLayers(deps: ImageDeps): Promise<void> {
  const recorded = new Set(deps.layers.list().map((l) => deps.layerStore.dir(l.chainId)))
  for (const name of await readdir(deps.paths.layers).catch(() => [] as string[])) {
    if (!recorded.has(join(deps.paths.layers, name))) await deps.layerStore.remove(`sha256:${name}`)
  }
}
