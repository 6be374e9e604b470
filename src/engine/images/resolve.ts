// Turning what a user typed into an image: a name (tag or digest reference), a full ID with or
// without `sha256:`, or a unique ID prefix. Names win over ID prefixes, as in Docker.
import { BerthError } from '../../lib/errors.js'
import { familiarString, formatReference, nameOf, parseReference, withDefaultTag, type Reference } from '../../lib/reference.js'
import type { ImageRepository } from '../../state/images.js'
import type { ImageRecord } from '../../state/records.js'

const ID_RE = /^(sha256:)?[0-9a-f]{1,64}$/

/**
 * Docker's not-found text (moby's ErrImageDoesNotExist): a name gets its default tag
 * (`nope` → `nope:latest`), a full ID is shown as `sha256:<hex>`, anything else as typed.
 */
export function noSuchImageMessage(ref: string): string {
  const full = /^(sha256:)?([0-9a-f]{64})$/.exec(ref)
  if (full) return `No such image: sha256:${full[2]}`
  const named = tryParse(ref)
  return `No such image: ${named ? familiarString(withDefaultTag(named)) : ref}`
}

const noSuchImage = (ref: string) => new BerthError('not-found', noSuchImageMessage(ref))

function tryParse(ref: string): Reference | undefined {
  try {
    return parseReference(ref)
  } catch {
    return undefined
  }
}

/** The image a named reference points at, if any. */
export function byName(images: ImageRepository, ref: Reference): ImageRecord | undefined {
  if (ref.digest !== undefined) {
    const wanted = `${nameOf(ref)}@${ref.digest}`
    return images.list().find((im) => im.repoDigests.includes(wanted))
  }
  const id = images.tagged(formatReference(withDefaultTag(ref)))
  return id ? images.get(id) : undefined
}

export interface Resolved {
  image: ImageRecord
  /** The reference that matched, normalised, when the image was named rather than given by ID. */
  named?: Reference
}

export function resolveDetailed(images: ImageRepository, ref: string): Resolved {
  const full = /^(sha256:)?([0-9a-f]{64})$/.exec(ref)
  if (full) {
    const found = images.get(`sha256:${full[2]}`)
    if (found) return { image: found }
    throw noSuchImage(ref)
  }
  const named = tryParse(ref)
  if (named) {
    const found = byName(images, named)
    if (found) return { image: found, named: withDefaultTag(named) }
  }
  if (ID_RE.test(ref)) {
    const prefix = ref.startsWith('sha256:') ? ref : `sha256:${ref}`
    const ids = images.idsWithPrefix(prefix)
    if (ids.length === 1) return { image: images.get(ids[0]!)! }
  }
  throw noSuchImage(ref)
}

export const resolveImage = (images: ImageRepository, ref: string): ImageRecord => resolveDetailed(images, ref).image
