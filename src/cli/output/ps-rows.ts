// Rows of `ps`: docker's ContainerContext fields, computed from /containers/json entries.
import type { ContainerSummary, Port } from '../../client/types.js'
import { ellipsis, goTimeString, humanDuration, humanSize, truncateId } from './human.js'
import { withLabels, type ListSpec } from './list-format.js'

export const psSpec: ListSpec = {
  defaultTable: 'table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}',
  quiet: '{{.ID}}',
  headers: {
    ID: 'CONTAINER ID', Image: 'IMAGE', Command: 'COMMAND', CreatedAt: 'CREATED AT', RunningFor: 'CREATED',
    Ports: 'PORTS', State: 'STATE', Status: 'STATUS', Size: 'SIZE', Names: 'NAMES', Labels: 'LABELS',
    Mounts: 'MOUNTS', LocalVolumes: 'LOCAL VOLUMES', Networks: 'NETWORKS',
  },
}

export interface PsRow {
  Command: string
  CreatedAt: string
  ID: string
  Image: string
  Labels: string
  LocalVolumes: string
  Mounts: string
  Names: string
  Networks: string
  Platform: string | null
  Ports: string
  RunningFor: string
  Size: string
  State: string
  Status: string
}

const stripSlash = (n: string) => (n.startsWith('/') ? n.slice(1) : n)

function names(c: ContainerSummary, trunc: boolean): string {
  const all = (c.Names ?? []).map(stripSlash)
  if (!trunc) return all.join(',')
  const own = all.find((n) => !n.includes('/'))
  return own ?? ''
}

function image(c: ContainerSummary, trunc: boolean): string {
  if (!c.Image) return '<no image>'
  if (!trunc) return c.Image
  if (truncateId(c.ImageID) === truncateId(c.Image)) return truncateId(c.Image)
  const at = c.Image.indexOf('@')
  return at >= 0 ? c.Image.slice(0, at) : c.Image
}

const byteCompare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0)

/** docker's DisplayablePorts: remapped ports (public ≠ private) one by one, then runs of
 * consecutive ports per address and protocol as ranges (`0.0.0.0:80-81->80-81/tcp`, `53/udp`). */
export function displayablePorts(ports: readonly Port[]): string {
  const joinHostPort = (ip: string, port: string) => (ip.includes(':') ? `[${ip}]:${port}` : `${ip}:${port}`)
  const sorted = [...ports].sort((a, b) =>
    a.PrivatePort - b.PrivatePort || byteCompare(a.IP ?? '', b.IP ?? '') || (a.PublicPort ?? 0) - (b.PublicPort ?? 0) || byteCompare(a.Type, b.Type))
  const hostMappings: string[] = []
  const result: string[] = []
  const groups = new Map<string, { first: number; last: number }>()
  const form = (key: string, g: { first: number; last: number }) => {
    const range = g.first === g.last ? `${g.first}` : `${g.first}-${g.last}`
    const slash = key.lastIndexOf('/')
    if (slash < 0) return `${range}/${key}`
    return `${joinHostPort(key.slice(0, slash), range)}->${range}/${key.slice(slash + 1)}`
  }
  for (const p of sorted) {
    let key = p.Type
    if (p.IP) {
      if (p.PublicPort !== p.PrivatePort) {
        hostMappings.push(`${joinHostPort(p.IP, String(p.PublicPort ?? 0))}->${p.PrivatePort}/${p.Type}`)
        continue
      }
      key = `${p.IP}/${p.Type}`
    }
    const g = groups.get(key)
    if (!g) groups.set(key, { first: p.PrivatePort, last: p.PrivatePort })
    else if (p.PrivatePort === g.last + 1) g.last = p.PrivatePort
    else {
      result.push(form(key, g))
      groups.set(key, { first: p.PrivatePort, last: p.PrivatePort })
    }
  }
  for (const [key, g] of groups) result.push(form(key, g))
  return [...hostMappings, ...result].join(', ')
}

function platform(c: ContainerSummary): string | null {
  const p = (c as { ImageManifestDescriptor?: { platform?: { os?: string; architecture?: string; variant?: string } } }).ImageManifestDescriptor?.platform
  if (!p?.os) return null
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/')
}

export function psRow(c: ContainerSummary, opts: { trunc: boolean; now: number }): PsRow {
  const created = new Date(c.Created * 1000)
  const mounts = (c.Mounts ?? []).map((m) => {
    const name = m.Name || m.Source || ''
    return opts.trunc ? ellipsis(name, 15) : name
  })
  const labels = Object.entries(c.Labels ?? {}).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`)
  const srw = c.SizeRw ?? 0
  const size = c.SizeRootFs !== undefined && c.SizeRootFs > 0
    ? `${humanSize(srw)} (virtual ${humanSize(c.SizeRootFs)})`
    : humanSize(srw)
  const row: PsRow = {
    Command: JSON.stringify(opts.trunc ? ellipsis(c.Command ?? '', 20) : (c.Command ?? '')),
    CreatedAt: goTimeString(created),
    ID: opts.trunc ? truncateId(c.Id) : c.Id,
    Image: image(c, opts.trunc),
    Labels: labels.join(','),
    LocalVolumes: String((c.Mounts ?? []).filter((m) => m.Driver === 'local').length),
    Mounts: mounts.join(','),
    Names: names(c, opts.trunc),
    Networks: Object.keys(c.NetworkSettings?.Networks ?? {}).sort().join(','),
    Platform: platform(c),
    Ports: displayablePorts(c.Ports ?? []),
    RunningFor: `${humanDuration(opts.now - created.getTime())} ago`,
    Size: size,
    State: c.State,
    Status: c.Status,
  }
  return withLabels(row, c.Labels)
}
