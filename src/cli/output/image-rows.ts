// Rows of `images` and `history`: docker's imageContext and historyContext fields.
import type { HistoryItem, ImageSummary } from '../../client/types.js'
import { ellipsis, goTimeString, humanDuration, humanSize, humanSizeDefault, truncateId } from './human.js'
import { withLabels, type ListSpec } from './list-format.js'

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
})

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

export function imageRows(img: ImageSummary, opts: { trunc: boolean; digests: boolean; now: number }): ImageRow[] {
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
  for (const [repo, ts] of [...tags].sort(([a], [b]) => a.localeCompare(b))) {
    const ds = opts.digests ? (digests.get(repo) ?? []) : []
    digests.delete(repo)
    for (const tag of ts) {
      if (ds.length === 0) rows.push(base(repo, tag, '<none>'))
      else for (const d of ds) rows.push(base(repo, tag, d))
    }
  }
  for (const [repo, ds] of digests) {
    if (opts.digests) for (const d of ds) rows.push(base(repo, '<none>', d))
    else rows.push(base(repo, '<none>', '<none>'))
  }
  if (rows.length === 0) rows.push(base('<none>', '<none>', '<none>'))
  return rows
}

export const historySpec: ListSpec = {
  defaultTable: 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}',
  quiet: '{{.ID}}',
  headers: { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' },
}

export function historyRow(h: HistoryItem, opts: { trunc: boolean; human: boolean; now: number }) {
  const created = new Date(h.Created * 1000)
  const createdBy = h.CreatedBy.replace(/\t/g, ' ')
  return {
    Comment: h.Comment,
    CreatedAt: opts.human ? goTimeString(created) : created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    CreatedBy: opts.trunc ? ellipsis(createdBy, 45) : createdBy,
    CreatedSince: opts.human ? `${humanDuration(opts.now - created.getTime())} ago` : created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    ID: h.Id === '<missing>' ? '<missing>' : opts.trunc ? truncateId(h.Id) : h.Id,
    Size: opts.human ? humanSize(h.Size) : String(h.Size),
  }
}
