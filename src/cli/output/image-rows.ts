// Rows of `images` and `history`: docker's imageContext and historyContext fields.
import type { HistoryItem, ImageSummary } from '../../client/types.js'
import { ellipsis, goTimeString, humanDuration, humanSize, humanSizeDefault, truncateId } from './human.js'
import { withLabels, type ListSpec } from './list-format.js'

const RAW_IMAGE = 'repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n'
const RAW_IMAGE_DIGEST = 'repository: {{ .Repository }}\ntag: {{.Tag}}\ndigest: {{.Digest}}\nimage_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n'

export const imagesSpec = (digests: boolean): ListSpec => ({
  defaultTable: digests
    ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
    : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}',
  quiet: '{{.ID}}',
  headers: {
    ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED',
    CreatedAt: 'CREATED AT', Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE',
    UniqueSize: 'UNIQUE SIZE', VirtualSize: 'SIZE',
  },
  raw: { full: digests ? RAW_IMAGE_DIGEST : RAW_IMAGE, quiet: 'image_id: {{.ID}}' },
})

/** docker's NewImageFormat: --digests adds a DIGEST column to a custom table lacking one. */
export function imagesFormat(format: string | undefined, digests: boolean): string | undefined {
  if (format === undefined || format === 'table' || !format.startsWith('table') || !digests) return format
  return format.includes('{{.Digest}}') ? format : `${format}\t{{.Digest}}`
}

export interface ImageRow {
  Containers: string
  CreatedAt: string
  CreatedSince: string
  Digest: string
  ID: string
  Repository: string
  SharedSize: string
  Size: string
  Tag: string
  UniqueSize: string
  VirtualSize: string
}

/** `busybox:latest` → [busybox, latest]; `docker.io/library/x` is shown as `x`. */
export function splitRepoTag(ref: string): [string, string | undefined] {
  const at = ref.indexOf('@')
  const noDigest = at >= 0 ? ref.slice(0, at) : ref
  const slash = noDigest.lastIndexOf('/')
  const colon = noDigest.lastIndexOf(':')
  const [repo, tag] = colon > slash ? [noDigest.slice(0, colon), noDigest.slice(colon + 1)] : [noDigest, undefined]
  return [familiar(repo), tag]
}

const familiar = (repo: string) => repo.replace(/^docker\.io\/library\//, '').replace(/^docker\.io\//, '')

/**
 * One row per repository and tag, as docker's imageFormatTaggedAndDigest: with digests shown
 * (`--digests`, or `{{.Digest}}` in the format) a tag gets a row per digest of its repository;
 * repositories known only by digest get rows of their own (`<none>` tag; one per digest with
 * --digests, else one with an empty digest). An image with no reference is one `<none>` row.
 */
export function imageRows(img: ImageSummary, opts: { trunc: boolean; digests: boolean; digestsInFormat?: boolean; now: number }): ImageRow[] {
  const tags = new Map<string, string[]>()
  const digests = new Map<string, string[]>()
  for (const rt of img.RepoTags ?? []) {
    if (rt === '<none>:<none>') continue
    const [repo, tag] = splitRepoTag(rt)
    if (tag !== undefined) tags.set(repo, [...(tags.get(repo) ?? []), tag])
  }
  for (const rd of img.RepoDigests ?? []) {
    const at = rd.indexOf('@')
    if (at < 0 || rd === '<none>@<none>') continue
    const repo = familiar(rd.slice(0, at))
    digests.set(repo, [...(digests.get(repo) ?? []), rd.slice(at + 1)])
  }
  const base = (repo: string, tag: string, digest: string): ImageRow => {
    const created = new Date(img.Created * 1000)
    // docker's formatter: SIZE with 3 significant digits, the other sizes with go-units' default 4
    const shared = img.SharedSize === -1 ? 'N/A' : humanSizeDefault(img.SharedSize)
    return withLabels({
      Containers: img.Containers === -1 ? 'N/A' : String(img.Containers),
      CreatedAt: goTimeString(created),
      CreatedSince: img.Created === 0 ? 'N/A' : `${humanDuration(opts.now - created.getTime())} ago`,
      Digest: digest,
      ID: opts.trunc ? truncateId(img.Id) : img.Id,
      Repository: repo,
      SharedSize: shared,
      Size: humanSize(img.Size),
      Tag: tag,
      UniqueSize: img.SharedSize === -1 ? 'N/A' : humanSizeDefault(img.Size - img.SharedSize),
      VirtualSize: humanSizeDefault(img.Size),
    }, img.Labels)
  }
  const rows: ImageRow[] = []
  const showDigests = opts.digests || opts.digestsInFormat === true
  for (const [repo, ts] of [...tags].sort(([a], [b]) => a.localeCompare(b))) {
    const ds = showDigests ? (digests.get(repo) ?? []) : []
    digests.delete(repo)
    for (const tag of ts) {
      if (ds.length === 0) rows.push(base(repo, tag, '<none>'))
      else for (const d of ds) rows.push(base(repo, tag, d))
    }
  }
  for (const [repo, ds] of digests) {
    if (opts.digests) for (const d of ds) rows.push(base(repo, '<none>', d))
    else rows.push(base(repo, '<none>', ''))
  }
  if (rows.length === 0) rows.push(base('<none>', '<none>', '<none>'))
  return rows
}

/** docker's history table: CREATED with -H (the default), CREATED AT with -H=false. */
export const historySpec = (human = true): ListSpec => ({
  defaultTable: human
    ? 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}'
    : 'table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  quiet: '{{.ID}}',
  headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
})

/** Go's time.Format(time.RFC3339) in local time: `2024-01-02T15:04:05Z`, `…T16:04:05+01:00`. */
export function rfc3339Local(d: Date): string {
  const p = (n: number) => String(n).padStart(2, '0')
  const off = -d.getTimezoneOffset()
  const zone = off === 0 ? 'Z' : `${off > 0 ? '+' : '-'}${p(Math.trunc(Math.abs(off) / 60))}:${p(Math.abs(off) % 60)}`
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}${zone}`
}

/** docker leaves CREATED empty for dates up to 2000-01-01 (zero or made-up timestamps). */
const HISTORY_EPOCH = Date.UTC(2000, 0, 1) / 1000

export function historyRow(h: HistoryItem, opts: { trunc: boolean; human: boolean; now: number }) {
  const created = new Date(h.Created * 1000)
  const createdAt = rfc3339Local(created)
  const createdBy = h.CreatedBy.replace(/\t/g, ' ')
  let createdSince = createdAt
  if (opts.human) createdSince = h.Created <= HISTORY_EPOCH ? '' : `${humanDuration(opts.now - created.getTime())} ago`
  return {
    Comment: h.Comment,
    CreatedAt: createdAt,
    CreatedBy: opts.trunc ? ellipsis(createdBy, 45) : createdBy,
    CreatedSince: createdSince,
    ID: opts.trunc ? truncateId(h.Id) : h.Id,
    Size: opts.human ? humanSize(h.Size) : String(h.Size),
  }
}
