// `docker images`: every image with its tags, filtered as GET /images/json does
// (reference, dangling, label, before, since). Untagged parents are hidden unless `all`.
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

const KNOWN = new Set(['reference', 'dangling', 'label', 'before', 'since'])

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
  const ref = parseReference(fullRef)
  return globMatch(pattern, familiarString(ref)) || globMatch(pattern, familiarName(ref))
}

function bool(key: string, v: string): boolean {
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw new BerthError('invalid', `Invalid filter '${key}=${v}'`)
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

export function listImages(images: ImageRepository, opts: { all?: boolean; filters?: Filters } = {}): ImageSummary[] {
  const filters = opts.filters ?? {}
  for (const key of Object.keys(filters)) if (!KNOWN.has(key)) throw new BerthError('invalid', `invalid filter '${key}'`)
  const dangling = filters.dangling?.length ? bool('dangling', filters.dangling[filters.dangling.length - 1]!) : undefined
  const before = filters.before?.map((r) => createdMs(resolveImage(images, r)))
  const since = filters.since?.map((r) => createdMs(resolveImage(images, r)))
  const all = images.list()
  const parents = new Set(all.map((im) => im.parent).filter(Boolean))
  const out: ImageSummary[] = []
  for (const im of all) {
    let tags = images.tagsOf(im.id)
    if (!opts.all && tags.length === 0 && im.repoDigests.length === 0 && parents.has(im.id)) continue
    if (dangling !== undefined && (tags.length === 0) !== dangling) continue
    if (filters.reference?.length) {
      tags = tags.filter((t) => filters.reference!.some((p) => refMatches(p, t)))
      if (tags.length === 0) continue
    }
    if (filters.label?.length && !filters.label.every((l) => labelMatches(im, l))) continue
    if (before && !before.every((t) => createdMs(im) < t)) continue
    if (since && !since.every((t) => createdMs(im) > t)) continue
    out.push(summarize(images, im, tags))
  }
  return out.sort((a, b) => createdMs(b.record) - createdMs(a.record) || a.record.id.localeCompare(b.record.id))
}
