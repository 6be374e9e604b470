// `docker image prune`: remove dangling images (no tag), or with `all` every image no container
// uses, as moby's ImagesPrune does. Only images without children are candidates, unless they
// have a reference; each is removed like `rmi` without force, and a candidate that conflicts
// (used by a container, say) is skipped silently. Space reclaimed counts the layers deleted.
import { BerthError } from '../../lib/errors.js'
import type { ImageRecord } from '../../state/records.js'
import type { ImageDeps } from './deps.js'
import { labelMatches } from './list.js'
import { removeImage, type DeleteItem, type HeldDirs, type InUse } from './remove.js'

export interface PruneOptions {
  /** true: only images without a tag (Docker's default, `dangling=true`). */
  danglingOnly: boolean
  /** Only images created before this time (ms since the epoch). */
  until?: number
  /** `label=k` / `label=k=v`: all must match. */
  labels?: string[]
  /** `label!=k` / `label!=k=v`: none may match. */
  notLabels?: string[]
}

export interface PruneReport {
  deleted: DeleteItem[]
  /** Bytes of the layers removed. */
  reclaimed: number
}

/** The images a prune would try to remove, in a stable order. Pure over the records given. */
export function pruneCandidates(images: ImageRecord[], tagsOf: (id: string) => string[], opts: PruneOptions): ImageRecord[] {
  const parents = new Set(images.map((im) => im.parent).filter(Boolean))
  return images
    .filter((im) => {
      const refs = tagsOf(im.id).length + im.repoDigests.length
      if (parents.has(im.id) && (opts.danglingOnly || refs === 0)) return false
      if (opts.danglingOnly && tagsOf(im.id).length > 0) return false
      if (opts.until !== undefined && (Date.parse(im.config.created ?? im.created) || 0) >= opts.until) return false
      if (opts.labels && !opts.labels.every((l) => labelMatches(im, l))) return false
      if (opts.notLabels && opts.notLabels.some((l) => labelMatches(im, l))) return false
      return true
    })
    .sort((a, b) => a.id.localeCompare(b.id))
}

export async function pruneImages(deps: ImageDeps, opts: PruneOptions, inUse: InUse, held?: HeldDirs): Promise<PruneReport> {
  const sizes = new Map(deps.layers.list().map((l) => [l.chainId, l.size]))
  const candidates = pruneCandidates(deps.images.list(), (id) => deps.images.tagsOf(id), opts)
  const deleted: DeleteItem[] = []
  for (const image of candidates) {
    if (!deps.images.get(image.id)) continue // went with an earlier candidate
    const refs = [...deps.images.tagsOf(image.id), ...image.repoDigests]
    // A dangling image may keep digest references; removing them removes the image.
    const targets = refs.length > 0 ? refs : [image.id]
    for (const target of targets) {
      try {
        deleted.push(...(await removeImage(deps, target, { force: false }, inUse, held)))
      } catch (e) {
        if (e instanceof BerthError && (e.kind === 'conflict' || e.kind === 'not-found')) continue
        throw e
      }
    }
  }
  let reclaimed = 0
  for (const d of deleted) if ('Deleted' in d) reclaimed += sizes.get(d.Deleted) ?? 0
  return { deleted, reclaimed }
}

