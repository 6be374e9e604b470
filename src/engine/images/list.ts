// `docker images`: every image with its tags, filtered as GET /images/json does (reference,
// dangling, label, before, since, until), following moby's Images(): `reference` narrows the
// tags and digests shown and drops images left with none; `dangling=true` keeps images without
// tags, `dangling=false` drops images with neither tags nor digests; several before/until
// values mean the oldest, several since values the newest. Untagged parents are hidden unless
// `all`.
import { BerthError } from '../../lib/errors.js'
import { familiarName, familiarString, parseReference } from '../../lib/reference.js'
import type { ImageRepository } from '../../state/images.js'
import type { ImageRecord } from '../../state/records.js'
import { resolveImage } from './resolve.js'

export interface ImageSummary {
  record: ImageRecord
  /** Familiar tag strings (`busybox:latest`), sorted. */
  repoTags: string[]
  repoDigests: string[]
}

export type Filters = Record<string, string[]>

const KNOWN = new Set(['reference', 'dangling', 'label', 'before', 'since', 'until'])

/** Go's path.Match for the patterns `docker images --filter reference=` takes. */
export function globMatch(pattern: string, s: string): boolean {
  let re = '^'
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i]!
    if (ch === '*') re += '[^/]*'
    else if (ch === '?') re += '[^/]'
    else if (ch === '[') {
      const end = pattern.indexOf(']', i + 1)
      if (end < 0) return false
      let cls = pattern.slice(i + 1, end).replace(/\\/g, '\\\\')
      if (cls.startsWith('^')) cls = '^' + cls.slice(1)
      re += `[${cls}]`
      i = end
    } else if (ch === '\\' && i + 1 < pattern.length) re += '\\' + pattern[++i]
    else re += ch.replace(/[.+^${}()|\\]/g, '\\$&')
  }
  return new RegExp(re + '$').test(s)
}

function refMatches(pattern: string, fullRef: string): boolean {
  let ref
  try {
    ref = parseReference(fullRef)
  } catch {
    return false
  }
  return globMatch(pattern, familiarString(ref)) || globMatch(pattern, familiarName(ref))
}

/** moby takes only the words true and false here (true wins when both are given). */
function danglingFilter(values: string[] | undefined): boolean | undefined {
  if (!values?.length) return undefined
  if (values.includes('true')) return true
  if (values.includes('false')) return false
  // Go prints the values as a slice: Invalid filter 'dangling=[1]'
  throw new BerthError('invalid', `Invalid filter 'dangling=[${values.join(' ')}]'`)
}

export function labelMatches(im: ImageRecord, want: string): boolean {
  const labels = im.config.config?.Labels ?? {}
  const eq = want.indexOf('=')
  if (eq < 0) return want in labels
  return labels[want.slice(0, eq)] === want.slice(eq + 1)
}

const createdMs = (im: ImageRecord) => Date.parse(im.created) || 0

export function summarize(images: ImageRepository, record: ImageRecord, tags = images.tagsOf(record.id)): ImageSummary {
  return { record, repoTags: tags.map((t) => familiarString(parseReference(t))).sort(), repoDigests: [...record.repoDigests] }
}

export interface ListOptions {
  all?: boolean
  filters?: Filters
  /** The `until` filter's values already turned into ms since the epoch (by the API layer). */
  until?: number[]
}

export function listImages(images: ImageRepository, opts: ListOptions = {}): ImageSummary[] {
  const filters = opts.filters ?? {}
  for (const key of Object.keys(filters)) if (!KNOWN.has(key)) throw new BerthError('invalid', `invalid filter '${key}'`)
  const dangling = danglingFilter(filters.dangling)
  const before = [...(filters.before ?? []).map((r) => createdMs(resolveImage(images, r))), ...(opts.until ?? [])]
  const oldest = before.length ? Math.min(...before) : undefined
  const since = filters.since?.length ? Math.max(...filters.since.map((r) => createdMs(resolveImage(images, r)))) : undefined
  const patterns = filters.reference ?? []
  const wanted = (ref: string) => patterns.length === 0 || patterns.some((p) => refMatches(p, ref))
  const all = images.list()
  const parents = new Set(all.map((im) => im.parent).filter(Boolean))
  const out: ImageSummary[] = []
  for (const im of all) {
    const tags = images.tagsOf(im.id).filter(wanted)
    const digests = im.repoDigests.filter(wanted)
    if (tags.length === 0 && digests.length === 0) {
      if (!opts.all && parents.has(im.id)) continue
      if (dangling === false || patterns.length > 0) continue
    } else if (dangling === true && tags.length > 0) continue
    if (filters.label?.length && !filters.label.every((l) => labelMatches(im, l))) continue
    if (oldest !== undefined && !(createdMs(im) < oldest)) continue
    if (since !== undefined && !(createdMs(im) > since)) continue
    out.push({ ...summarize(images, im, tags), repoDigests: digests })
  }
  return out.sort((a, b) => createdMs(b.record) - createdMs(a.record) || a.record.id.localeCompare(b.record.id))
}
