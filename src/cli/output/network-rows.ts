// Rows of `network ls`: docker's networkContext fields, from GET /networks entries, sorted by
// name in docker's natural order (natural-order.ts).
import type { NetworkSummary } from '../../client/types.js'
import { goTimeFromRfc3339, truncateId } from './human.js'
import { withLabels, type ListSpec } from './list-format.js'

export const networkSpec: ListSpec = {
  defaultTable: 'table {{.ID}}\t{{.Name}}\t{{.Driver}}\t{{.Scope}}',
  quiet: '{{.ID}}',
  headers: {
    ID: 'NETWORK ID', Name: 'NAME', Driver: 'DRIVER', Scope: 'SCOPE', IPv4: 'IPV4', IPv6: 'IPV6',
    Internal: 'INTERNAL', Labels: 'LABELS', CreatedAt: 'CREATED AT',
  },
  raw: {
    full: 'network_id: {{.ID}}\\nname: {{.Name}}\\ndriver: {{.Driver}}\\nscope: {{.Scope}}\\n',
    quiet: 'network_id: {{.ID}}',
  },
}

/** Keys in the order docker's `{{json .}}` writes them (a Go map: sorted). */
export interface NetworkRow {
  CreatedAt: string
  Driver: string
  ID: string
  IPv4: string
  IPv6: string
  Internal: string
  Labels: string
  Name: string
  Scope: string
}

export function networkRow(n: NetworkSummary, opts: { trunc: boolean }): NetworkRow {
  const labels = n.Labels ?? {}
  const row: NetworkRow = {
    CreatedAt: goTimeFromRfc3339(n.Created ?? '0001-01-01T00:00:00Z'),
    Driver: n.Driver,
    ID: opts.trunc ? truncateId(n.Id) : n.Id,
    IPv4: String(n.EnableIPv4 ?? false),
    IPv6: String(n.EnableIPv6 ?? false),
    Internal: String(n.Internal ?? false),
    // docker joins a Go map (random order); sorted keeps the output stable
    Labels: Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(','),
    Name: n.Name,
    Scope: n.Scope,
  }
  return withLabels(row, labels)
}
