// Rows of `network ls`: docker's networkContext fields, from GET /networks entries, sorted by
// name in docker's natural order (fvbommel/sortorder: `net2` before `net10`).
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

const isDigit = (c: number) => c >= 0x30 && c <= 0x39

/** sortorder.NaturalLess over UTF-8 bytes: digit runs compare as numbers, digits before others. */
export function naturalLess(a: string, b: string): boolean {
  const s1 = Buffer.from(a)
  const s2 = Buffer.from(b)
  let i = 0
  let j = 0
  while (i < s1.length && j < s2.length) {
    const c1 = s1[i]!
    const c2 = s2[j]!
    const d1 = isDigit(c1)
    if (d1 !== isDigit(c2)) return d1
    if (!d1) {
      if (c1 !== c2) return c1 < c2
      i++
      j++
      continue
    }
    while (i < s1.length && s1[i] === 0x30) i++
    while (j < s2.length && s2[j] === 0x30) j++
    const nz1 = i
    const nz2 = j
    while (i < s1.length && isDigit(s1[i]!)) i++
    while (j < s2.length && isDigit(s2[j]!)) j++
    if (i - nz1 !== j - nz2) return i - nz1 < j - nz2
    const cmp = Buffer.compare(s1.subarray(nz1, i), s2.subarray(nz2, j))
    if (cmp !== 0) return cmp < 0
    if (nz1 !== nz2) return nz1 < nz2
  }
  return s1.length < s2.length
}

export const byNaturalName = (x: { Name: string }, y: { Name: string }): number =>
  naturalLess(x.Name, y.Name) ? -1 : naturalLess(y.Name, x.Name) ? 1 : 0
