// Rows of `volume ls`: docker's volumeContext fields from GET /volumes entries, sorted by name in
// docker's natural order. Cluster fields (Group, Availability) are "N/A" for local volumes.
import type { Volume } from '../../client/types.js'
import { humanSizeDefault } from './human.js'
import { withLabels, type ListSpec } from './list-format.js'

export const volumeSpec: ListSpec = {
  defaultTable: 'table {{.Driver}}\t{{.Name}}',
  quiet: '{{.Name}}',
  headers: {
    Name: 'VOLUME NAME', Driver: 'DRIVER', Scope: 'SCOPE', Mountpoint: 'MOUNTPOINT', Labels: 'LABELS',
    Links: 'LINKS', Size: 'SIZE', Group: 'GROUP', Availability: 'AVAILABILITY', Status: 'STATUS',
  },
}

/** Keys in the order docker's `{{json .}}` writes them (sorted). */
export interface VolumeRow {
  Availability: string
  Driver: string
  Group: string
  Labels: string
  Links: string
  Mountpoint: string
  Name: string
  Scope: string
  Size: string
  Status: string
}

export function volumeRow(v: Volume): VolumeRow {
  const labels = v.Labels ?? {}
  const usage = v.UsageData
  const row: VolumeRow = {
    Availability: 'N/A',
    Driver: v.Driver,
    Group: 'N/A',
    // docker joins a Go map (random order); sorted keeps the output stable
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Links: usage && usage.RefCount >= 0 ? String(usage.RefCount) : 'N/A',
    Mountpoint: v.Mountpoint,
    Name: v.Name,
    Scope: v.Scope,
    Size: usage && usage.Size >= 0 ? humanSizeDefault(usage.Size) : 'N/A',
    Status: 'N/A',
  }
  return withLabels(row, labels)
}
