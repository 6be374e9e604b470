// Networks on the wire: Docker's network.Inspect/Summary shapes, the create request, list filters.
import { invalid } from '../../lib/errors.js'
import type { EndpointRecord, NetworkRecord } from '../../state/records.js'
import type { ContainerRecord } from '../../state/records.js'
import type { NetworkCreateRequest } from '../../engine/networks/create.js'
import { asObject, checkFields } from './decode.js'
import { untilMs } from './time.js'

export function networkJson(n: NetworkRecord, members: Array<{ container: ContainerRecord; ep: EndpointRecord }> | undefined) {
  const containers: Record<string, unknown> = {}
  for (const { container, ep } of members ?? [])
    containers[container.id] = {
      Name: container.name, EndpointID: ep.endpointId, MacAddress: ep.mac,
      IPv4Address: `${ep.ip}/${ep.prefixLen}`, IPv6Address: ep.ip6 ? `${ep.ip6}/${ep.prefixLen6}` : '',
    }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: n.driver,
    EnableIPv6: n.ipv6,
    IPAM: { Driver: n.ipam.Driver, Options: n.ipam.Options, Config: n.ipam.Config },
    Internal: n.internal,
    Attachable: n.attachable,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: n.options,
    Labels: n.labels,
  }
}

export function decodeNetworkCreate(body: unknown): NetworkCreateRequest {
  const b = asObject(body, 'network.CreateRequest')
  checkFields(
    b,
    { Name: 'string', CheckDuplicate: 'bool', Driver: 'string', Scope: 'string', Internal: 'bool', Attachable: 'bool', Ingress: 'bool', ConfigOnly: 'bool', ConfigFrom: 'object', IPAM: 'object', EnableIPv6: 'bool', EnableIPv4: 'bool', Options: 'stringMap', Labels: 'stringMap' },
    'network.CreateRequest',
  )
  if (b.Ingress) throw invalid('ingress networks are for swarm mode, which berth does not have')
  if (b.ConfigOnly || (b.ConfigFrom && (b.ConfigFrom as { Network?: string }).Network)) throw invalid('config-only networks are not supported')
  if (b.Scope && b.Scope !== 'local') throw invalid(`scope ${String(b.Scope)} is not supported: berth networks are local`)
  const ipam = b.IPAM === undefined || b.IPAM === null ? undefined : asObject(b.IPAM, 'network.IPAM')
  if (ipam) checkFields(ipam, { Driver: 'string', Config: 'array', Options: 'stringMap' }, 'network.IPAM')
  for (const p of (ipam?.Config as unknown[] | null | undefined) ?? [])
    checkFields(asObject(p, 'network.IPAMConfig'), { Subnet: 'string', IPRange: 'string', Gateway: 'string', AuxiliaryAddresses: 'stringMap' }, 'network.IPAMConfig')
  return {
    Name: (b.Name as string | undefined) ?? '',
    Driver: b.Driver as string | undefined,
    Internal: !!b.Internal,
    Attachable: !!b.Attachable,
    EnableIPv6: !!b.EnableIPv6,
    IPAM: ipam as NetworkCreateRequest['IPAM'],
    Options: (b.Options as Record<string, string> | undefined) ?? {},
    Labels: (b.Labels as Record<string, string> | undefined) ?? {},
  }
}

const LIST_KEYS = new Set(['dangling', 'driver', 'id', 'label', 'name', 'scope', 'type'])

/** `network ls --filter`: Docker's keys. `used` tells whether any container belongs to a network. */
export function matchNetworks(all: NetworkRecord[], filters: Record<string, string[]>, used: (n: NetworkRecord) => boolean): NetworkRecord[] {
  for (const k of Object.keys(filters)) if (!LIST_KEYS.has(k)) throw invalid(`invalid filter '${k}'`)
  for (const t of filters.type ?? []) if (t !== 'custom' && t !== 'builtin') throw invalid(`invalid filter: 'type'='${t}'`)
  return all.filter((n) => {
    const any = (key: string, test: (v: string) => boolean) => !filters[key] || filters[key]!.some(test)
    return (
      any('driver', (v) => n.driver === v) &&
      any('id', (v) => n.id.startsWith(v)) &&
      any('name', (v) => n.name.includes(v)) &&
      any('scope', (v) => v === 'local') &&
      any('type', (v) => (v === 'builtin') === !!n.builtin) &&
      any('label', (v) => labelMatches(n.labels, v)) &&
      any('dangling', (v) => {
        if (!['true', 'false', '1', '0'].includes(v)) throw invalid(`invalid filter 'dangling=${v}'`)
        return (v === 'true' || v === '1') === (!n.builtin && !used(n))
      })
    )
  })
}

const labelMatches = (labels: Record<string, string>, v: string) => {
  const eq = v.indexOf('=')
  return eq < 0 ? v in labels : labels[v.slice(0, eq)] === v.slice(eq + 1)
}

/** `network prune --filter`: until and label (label!=…) only. Returns which networks to keep. */
export function pruneKeep(filters: Record<string, string[]>, now = Date.now()): (n: NetworkRecord) => boolean {
  for (const k of Object.keys(filters)) if (!['until', 'label', 'label!'].includes(k)) throw invalid(`invalid filter '${k}'`)
  const until = filters.until?.[0] !== undefined ? untilMs(filters.until[0], now) : undefined
  return (n) =>
    (until !== undefined && Date.parse(n.created) >= until) ||
    (filters.label ?? []).some((l) => !labelMatches(n.labels, l)) ||
    (filters['label!'] ?? []).some((l) => labelMatches(n.labels, l))
}
