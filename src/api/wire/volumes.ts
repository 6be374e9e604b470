// Volumes on the wire: Docker's volume.Volume shape, the create request, and the list and prune
// filters. Docker marks anonymous volumes with a label; berth keeps a flag and shows the label.
import { invalid } from '../../lib/errors.js'
import type { VolumeCreateRequest, VolumeRecord } from '../../engine/volumes/types.js'
import { atLeast } from '../version.js'
import { asObject, checkFields } from './decode.js'

export const ANONYMOUS_LABEL = 'com.docker.volume.anonymous'

export const labelsOf = (v: VolumeRecord): Record<string, string> => (v.anonymous ? { ...v.labels, [ANONYMOUS_LABEL]: '' } : v.labels)

export function volumeJson(v: VolumeRecord, mountpoint: string, usage?: { size: number; refCount: number }) {
  return {
    CreatedAt: v.created,
    Driver: v.driver,
    Labels: labelsOf(v),
    Mountpoint: mountpoint,
    Name: v.name,
    Options: Object.keys(v.options).length ? v.options : null,
    Scope: 'local',
    ...(usage ? { UsageData: { Size: usage.size, RefCount: usage.refCount } } : {}),
  }
}

export function decodeVolumeCreate(body: unknown): VolumeCreateRequest {
  const b = asObject(body, 'volume.CreateOptions')
  checkFields(b, { Name: 'string', Driver: 'string', DriverOpts: 'stringMap', Labels: 'stringMap', ClusterVolumeSpec: 'any' }, 'volume.CreateOptions')
  if (b.ClusterVolumeSpec) throw invalid('cluster volumes are for swarm mode, which berth does not have')
  return {
    Name: (b.Name as string | undefined) ?? '',
    Driver: (b.Driver as string | undefined) || 'local',
    DriverOpts: (b.DriverOpts as Record<string, string> | null | undefined) ?? {},
    Labels: (b.Labels as Record<string, string> | null | undefined) ?? {},
  }
}

const labelMatches = (labels: Record<string, string>, v: string) => {
  const eq = v.indexOf('=')
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1)
}

function boolFilter(key: string, v: string): boolean {
  if (['true', '1'].includes(v.toLowerCase())) return true
  if (['false', '0'].includes(v.toLowerCase())) return false
  throw invalid(`invalid filter '${key}=${v}'`)
}

const LIST_KEYS = new Set(['dangling', 'driver', 'label', 'name'])

/** `volume ls --filter`: Docker's keys. `used` tells whether any container mounts a volume. */
export function matchVolumes(all: VolumeRecord[], filters: Record<string, string[]>, used: (v: VolumeRecord) => boolean): VolumeRecord[] {
  for (const k of Object.keys(filters)) if (!LIST_KEYS.has(k)) throw invalid(`invalid filter '${k}'`)
  const dangling = (filters.dangling ?? []).map((v) => boolFilter('dangling', v))
  return all.filter((v) => {
    const any = (key: string, test: (x: string) => boolean) => !filters[key] || filters[key]!.some(test)
    return (
      any('name', (x) => v.name.includes(x) || safeRegex(x)?.test(v.name) === true) &&
      any('driver', (x) => v.driver === x) &&
      (filters.label ?? []).every((x) => labelMatches(labelsOf(v), x)) &&
      (dangling.length === 0 || dangling.some((d) => d === !used(v)))
    )
  })
}

const safeRegex = (s: string) => {
  try {
    return new RegExp(s)
  } catch {
    return undefined
  }
}

/** `volume prune --filter`: label, label!, all. Before API 1.42 prune took named volumes too. */
export function pruneSelect(filters: Record<string, string[]>, version: string): (v: VolumeRecord) => boolean {
  for (const k of Object.keys(filters)) if (!['label', 'label!', 'all'].includes(k)) throw invalid(`invalid filter '${k}'`)
  const all = !atLeast(version, '1.42') || (filters.all ?? []).some((x) => boolFilter('all', x))
  return (v) =>
    (all || v.anonymous) &&
    (filters.label ?? []).every((l) => labelMatches(labelsOf(v), l)) &&
    !(filters['label!'] ?? []).some((l) => labelMatches(labelsOf(v), l))
}
