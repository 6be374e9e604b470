// Image records → Docker's JSON: inspect (ImageInspect), list (ImageSummary), history, and
// the prune filters and report.
import type { HistoryItem, ImageSummary, PruneOptions, PruneReport } from '../../engine/images/service.js'
import { invalid } from '../../lib/errors.js'
import { familiarOf } from '../../lib/reference.js'
import { atLeast } from '../version.js'
import { untilMs } from './time.js'

/**
 * `layerDirs`: the image's unpacked layer directories, top layer first. As overlay2 reports an
 * image, the top one is UpperDir and the rest, colon-joined, LowerDir (left out for one layer).
 * VirtualSize is gone from API 1.44 on, as in moby.
 */
export function imageInspectJson(s: ImageSummary, version: string, layerDirs: readonly string[]) {
  const r = s.record
  const c = r.config
  const cfg = c.config ?? {}
  return {
    Id: r.id,
    RepoTags: s.repoTags,
    RepoDigests: s.repoDigests.map(familiarOf),
    Parent: r.parent ?? '',
    Comment: (c.history ?? []).at(-1)?.comment ?? '',
    Created: c.created ?? r.created,
    DockerVersion: (c.docker_version as string | undefined) ?? '',
    Author: c.author ?? '',
    Config: {
      Hostname: '',
      Domainname: '',
      User: cfg.User ?? '',
      AttachStdin: false,
      AttachStdout: false,
      AttachStderr: false,
      ...(cfg.ExposedPorts ? { ExposedPorts: cfg.ExposedPorts } : {}), // omitempty in moby
      Tty: false,
      OpenStdin: false,
      StdinOnce: false,
      Env: cfg.Env ?? null,
      Cmd: cfg.Cmd ?? null,
      Image: '',
      Volumes: cfg.Volumes ?? null,
      WorkingDir: cfg.WorkingDir ?? '',
      Entrypoint: cfg.Entrypoint ?? null,
      OnBuild: cfg.OnBuild ?? null,
      Labels: cfg.Labels ?? null,
      ...(cfg.StopSignal ? { StopSignal: cfg.StopSignal } : {}),
      ...(cfg.Healthcheck ? { Healthcheck: cfg.Healthcheck } : {}),
      ...(cfg.Shell ? { Shell: cfg.Shell } : {}),
    },
    Architecture: c.architecture ?? 'amd64',
    ...(c.variant ? { Variant: c.variant } : {}),
    Os: c.os ?? 'linux',
    Size: r.size,
    ...(atLeast(version, '1.44') ? {} : { VirtualSize: r.size }),
    GraphDriver: { Name: 'overlay2', Data: graphDriverData(layerDirs) },
    RootFS: { Type: 'layers', Layers: r.diffIds },
    Metadata: { LastTagTime: '0001-01-01T00:00:00Z' },
  }
}

/** GraphDriver.Data must be an object (x-nullable: false), never null. */
function graphDriverData(layerDirs: readonly string[]): Record<string, string> {
  const [upper, ...lower] = layerDirs
  return {
    ...(lower.length > 0 ? { LowerDir: lower.join(':') } : {}),
    ...(upper !== undefined ? { UpperDir: upper } : {}),
  }
}

/**
 * VirtualSize: required up to API 1.43, gone from 1.44 on (moby omits it). SharedSize is -1
 * unless the caller measured it (shared-size=1).
 */
export function imageSummaryJson(s: ImageSummary, containers: number, version: string, sharedSize = -1) {
  const r = s.record
  return {
    Id: r.id,
    ParentId: r.parent ?? '',
    RepoTags: s.repoTags.length > 0 ? s.repoTags : ['<none>:<none>'],
    RepoDigests: s.repoDigests.length > 0 ? s.repoDigests.map(familiarOf) : s.repoTags.length > 0 ? [] : ['<none>@<none>'],
    Created: Math.floor(Date.parse(r.config.created ?? r.created) / 1000),
    Size: r.size,
    SharedSize: sharedSize,
    ...(atLeast(version, '1.44') ? {} : { VirtualSize: r.size }),
    Labels: r.config.config?.Labels ?? {},
    Containers: containers,
  }
}

export function historyJson(items: HistoryItem[]) {
  return items.map((h) => ({
    Id: h.id,
    Created: h.created,
    CreatedBy: h.createdBy,
    Tags: h.tags.length > 0 ? h.tags : null,
    Size: h.size,
    Comment: h.comment ?? '',
  }))
}

const PRUNE_KEYS = new Set(['dangling', 'until', 'label', 'label!'])

/** POST /images/prune filters → the engine's options (moby's ImagesPrune accepts these four). */
export function pruneOptions(filters: Record<string, string[]>, now = Date.now()): PruneOptions {
  for (const k of Object.keys(filters)) if (!PRUNE_KEYS.has(k)) throw invalid(`invalid filter '${k}'`)
  let danglingOnly = true
  for (const v of filters.dangling ?? []) {
    if (v === 'true' || v === '1') danglingOnly = true
    else if (v === 'false' || v === '0') danglingOnly = false
    else throw invalid(`Invalid filter 'dangling=${v}'`)
  }
  const until = filters.until ?? []
  if (until.length > 1) throw invalid('more than one until filter specified')
  return {
    danglingOnly,
    ...(until[0] !== undefined ? { until: untilMs(until[0], now) } : {}),
    ...(filters.label?.length ? { labels: filters.label } : {}),
    ...(filters['label!']?.length ? { notLabels: filters['label!'] } : {}),
  }
}

export function pruneReportJson(r: PruneReport) {
  return { ImagesDeleted: r.deleted.length > 0 ? r.deleted : null, SpaceReclaimed: r.reclaimed }
}
