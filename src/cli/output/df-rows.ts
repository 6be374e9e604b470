// `system df`: docker's disk-usage summary (one row per object type) and the -v sections,
// computed from GET /system/df. Sizes use go-units' HumanSize (4 significant digits); reclaimable
// space carries a percentage when the total is > 0.
import type { ContainerSummary, DiskUsage, ImageSummary } from '../../client/types.js'
import { humanSizeDefault as humanSize } from './human.js'
import { imageRows, type ImageRow } from './image-rows.js'
import { renderList, rewriteLabelCalls, type ListSpec } from './list-format.js'
import { compile } from './template.js'
import { psRow, psSpec } from './ps-rows.js'
import { volumeRow, volumeSpec } from './volume-rows.js'

export const dfSpec: ListSpec = {
  defaultTable: 'table {{.Type}}\t{{.TotalCount}}\t{{.Active}}\t{{.Size}}\t{{.Reclaimable}}',
  quiet: '{{.Type}}',
  headers: { Type: 'TYPE', TotalCount: 'TOTAL', Active: 'ACTIVE', Size: 'SIZE', Reclaimable: 'RECLAIMABLE' },
}

/** Keys in the order docker's `{{json .}}` writes them (sorted). */
export interface DfRow {
  Active: string
  Reclaimable: string
  Size: string
  TotalCount: string
  Type: string
}

const reclaimable = (reclaim: number, total: number) =>
  total > 0 ? `${humanSize(reclaim)} (${Math.trunc((reclaim * 100) / total)}%)` : humanSize(reclaim)

const isActive = (c: ContainerSummary) => ['running', 'paused', 'restarting'].includes(c.State)

function imagesRow(images: readonly ImageSummary[], layersSize: number): DfRow {
  let used = 0
  for (const i of images) if (i.Containers > 0 && i.Size !== -1 && i.SharedSize !== -1) used += i.Size - i.SharedSize
  return {
    Active: String(images.filter((i) => i.Containers > 0).length),
    Reclaimable: reclaimable(layersSize - used, layersSize),
    Size: humanSize(layersSize),
    TotalCount: String(images.length),
    Type: 'Images',
  }
}

export function dfRows(du: DiskUsage): DfRow[] {
  const containers = du.Containers ?? []
  const volumes = du.Volumes ?? []
  const cache = du.BuildCache ?? []
  const csize = containers.reduce((n, c) => n + (c.SizeRw ?? 0), 0)
  const creclaim = containers.filter((c) => !isActive(c)).reduce((n, c) => n + (c.SizeRw ?? 0), 0)
  const vsize = (v: (typeof volumes)[number]) => Math.max(0, v.UsageData?.Size ?? 0)
  const vused = (v: (typeof volumes)[number]) => (v.UsageData?.RefCount ?? 0) > 0
  const vtotal = volumes.reduce((n, v) => n + vsize(v), 0)
  const vreclaim = volumes.filter((v) => !vused(v)).reduce((n, v) => n + vsize(v), 0)
  const btotal = cache.reduce((n, b) => n + b.Size, 0)
  const breclaim = cache.filter((b) => !b.InUse).reduce((n, b) => n + b.Size, 0)
  return [
    imagesRow(du.Images ?? [], du.LayersSize ?? 0),
    { Active: String(containers.filter(isActive).length), Reclaimable: reclaimable(creclaim, csize), Size: humanSize(csize), TotalCount: String(containers.length), Type: 'Containers' },
    { Active: String(volumes.filter(vused).length), Reclaimable: reclaimable(vreclaim, vtotal), Size: humanSize(vtotal), TotalCount: String(volumes.length), Type: 'Local Volumes' },
    { Active: String(cache.filter((b) => b.InUse).length), Reclaimable: humanSize(breclaim), Size: humanSize(btotal), TotalCount: String(cache.length), Type: 'Build Cache' },
  ]
}

/** The summary table, `json` (one object per line) or a template per row. */
export function renderDf(du: DiskUsage, format: string | undefined): string {
  return renderList(dfSpec, dfRows(du), format)
}

const IMAGES_TABLE = 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}\t{{.SharedSize}}\t{{.UniqueSize}}\t{{.Containers}}'
const CONTAINERS_TABLE = 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.LocalVolumes}}\t{{.Size}}\t{{.RunningFor}}\t{{.Status}}\t{{.Names}}'
const VOLUMES_TABLE = 'table {{.Name}}\t{{.Links}}\t{{.Size}}'
const CACHE_TABLE = 'table {{.ID}}\t{{.CacheType}}\t{{.Size}}\t{{.CreatedSince}}\t{{.LastUsedSince}}\t{{.UsageCount}}\t{{.Shared}}'
const CACHE_HEADERS = { ID: 'CACHE ID', CacheType: 'CACHE TYPE', Size: 'SIZE', CreatedSince: 'CREATED', LastUsedSince: 'LAST USED', UsageCount: 'USAGE', Shared: 'SHARED' }

/**
 * docker's -v lists an image once, under its first tag (`<none>` when dangling), with no digest;
 * it leaves out an image whose first tag does not parse (`<none>:<none>` beside real digests).
 */
function dfImageRow(img: ImageSummary, trunc: boolean, now: number): ImageRow[] {
  const tags = img.RepoTags ?? []
  const digests = img.RepoDigests ?? []
  const dangling = (tags.length === 0 && digests.length === 0) ||
    (tags.length === 1 && tags[0] === '<none>:<none>' && digests.length === 1 && digests[0] === '<none>@<none>')
  if (!dangling && tags[0] === '<none>:<none>') return []
  const first = !dangling && tags[0] !== undefined ? [tags[0]] : []
  return imageRows({ ...img, RepoTags: first, RepoDigests: [] }, { trunc, digests: false, now }).map((r) => ({ ...r, Digest: '' }))
}

/** The -v sections' rows; IDs are truncated only for the table (docker's `trunc: Format.IsTable()`). */
function verboseRows(du: DiskUsage, now: number, trunc: boolean) {
  return {
    Images: (du.Images ?? []).flatMap((img) => dfImageRow(img, trunc, now)),
    Containers: (du.Containers ?? []).map((c) => ({ ...psRow(c, { trunc, now }), Size: humanSize(c.SizeRw ?? 0) })),
    Volumes: (du.Volumes ?? []).map(volumeRow),
    BuildCache: [] as object[],
  }
}

/**
 * `system df -v`: images, containers, local volumes and build cache, each as docker lays it out.
 * With --format other than `table`, the template runs once over {Images, Containers, Volumes,
 * BuildCache} (lists of rows), as docker's verbose formatter does, with no newline added.
 */
export function renderDfVerbose(du: DiskUsage, now: number, format?: string): string {
  if (format !== undefined && format !== '' && format !== 'table') {
    let f = format === 'json' ? '{{json .}}' : format.replace(/^table\s*/, '')
    f = f.replace(/\\t/g, '\t').replace(/\\n/g, '\n')
    return compile(rewriteLabelCalls(f))(verboseRows(du, now, format.startsWith('table')))
  }
  const { Images: images, Containers: containers, Volumes: volumes } = verboseRows(du, now, true)
  const cacheSize = (du.BuildCache ?? []).reduce((n, b) => n + b.Size, 0)
  return (
    'Images space usage:\n\n' +
    renderList({ defaultTable: IMAGES_TABLE, quiet: '', headers: { Repository: 'REPOSITORY', Tag: 'TAG', ID: 'IMAGE ID', CreatedSince: 'CREATED', Size: 'SIZE', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', Containers: 'CONTAINERS' } }, images, undefined) +
    '\nContainers space usage:\n\n' +
    renderList({ ...psSpec, defaultTable: CONTAINERS_TABLE }, containers, undefined) +
    '\nLocal Volumes space usage:\n\n' +
    renderList({ ...volumeSpec, defaultTable: VOLUMES_TABLE }, volumes, undefined) +
    `\nBuild cache usage: ${humanSize(cacheSize)}\n\n` +
    renderList({ defaultTable: CACHE_TABLE, quiet: '', headers: CACHE_HEADERS }, [], undefined)
  )
}
