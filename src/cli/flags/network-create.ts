// `network create`'s flags and the POST /networks/create body the docker CLI sends for them
// (docker 28: EnableIPv4/EnableIPv6 only when the flag was given; empty maps, not null).
import { kvToMap } from './env.js'
import { ipamConfig, type Ipam } from './ipam.js'
import type { FlagSpec, Parsed } from './parser.js'
import { checkCsv, stringSlice } from './string-slice.js'

/** opts.ValidateLabel: a name before `=`, without whitespace. */
export function checkLabel(value: string): void {
  const eq = value.indexOf('=')
  const key = (eq < 0 ? value : value.slice(0, eq)).replace(/^[ \t]+/, '')
  if (key === '') throw new Error(`invalid label '${value}': empty name`)
  if (/[ \t]/.test(key)) throw new Error(`label '${key}' contains whitespaces`)
}

export const networkCreateFlags: readonly FlagSpec[] = [
  { long: 'attachable', kind: 'bool', help: 'Enable manual container attachment' },
  { long: 'aux-address', kind: 'list', type: 'map', help: 'Auxiliary IPv4 or IPv6 addresses used by Network driver', defaultText: 'map[]' },
  { long: 'config-from', kind: 'value', type: 'string', help: 'The network from which to copy the configuration' },
  { long: 'config-only', kind: 'bool', help: 'Create a configuration only network' },
  { long: 'driver', short: 'd', kind: 'value', type: 'string', help: 'Driver to manage the Network', defaultText: '"bridge"' },
  { long: 'gateway', kind: 'list', type: 'strings', help: 'IPv4 or IPv6 Gateway for the master subnet', check: checkCsv },
  { long: 'ingress', kind: 'bool', help: 'Create swarm routing-mesh network' },
  { long: 'internal', kind: 'bool', help: 'Restrict external access to the network' },
  { long: 'ip-range', kind: 'list', type: 'strings', help: 'Allocate container ip from a sub-range', check: checkCsv },
  { long: 'ipam-driver', kind: 'value', type: 'string', help: 'IP Address Management Driver', defaultText: '"default"' },
  { long: 'ipam-opt', kind: 'list', type: 'map', help: 'Set IPAM driver specific options', defaultText: 'map[]' },
  { long: 'ipv4', kind: 'bool', help: 'Enable or disable IPv4 address assignment', defaultText: 'true' },
  { long: 'ipv6', kind: 'bool', help: 'Enable or disable IPv6 address assignment' },
  { long: 'label', kind: 'list', type: 'list', help: 'Set metadata on a network', check: checkLabel },
  { long: 'opt', short: 'o', kind: 'list', type: 'map', help: 'Set driver specific options', defaultText: 'map[]' },
  { long: 'scope', kind: 'value', type: 'string', help: "Control the network's scope" },
  { long: 'subnet', kind: 'list', type: 'strings', help: 'Subnet in CIDR format that represents a network segment', check: checkCsv },
]

export interface NetworkCreateOptions {
  name: string
  driver: string
  scope: string
  options: Record<string, string>
  labels: Record<string, string>
  internal: boolean
  /** Set only when --ipv4 / --ipv6 was given: docker leaves the choice to the daemon otherwise. */
  ipv4?: boolean
  ipv6?: boolean
  attachable: boolean
  ingress: boolean
  configOnly: boolean
  configFrom: string
  ipam: { driver: string; subnets: string[]; ipRanges: string[]; gateways: string[]; auxAddresses: Record<string, string>; options: Record<string, string> }
}

export interface NetworkCreateBody {
  Driver: string
  Scope: string
  EnableIPv4?: boolean
  EnableIPv6?: boolean
  IPAM: Ipam
  Internal: boolean
  Attachable: boolean
  Ingress: boolean
  ConfigOnly: boolean
  ConfigFrom: { Network: string } | null
  Options: Record<string, string>
  Labels: Record<string, string>
  Name: string
}

export function parseNetworkCreate(p: Parsed): NetworkCreateOptions {
  return {
    name: p.args[0]!,
    driver: p.str('driver') ?? 'bridge',
    scope: p.str('scope') ?? '',
    options: kvToMap(p.list('opt')),
    labels: kvToMap(p.list('label')),
    internal: p.bool('internal'),
    ...(p.has('ipv4') ? { ipv4: p.bool('ipv4') } : {}),
    ...(p.has('ipv6') ? { ipv6: p.bool('ipv6') } : {}),
    attachable: p.bool('attachable'),
    ingress: p.bool('ingress'),
    configOnly: p.bool('config-only'),
    configFrom: p.str('config-from') ?? '',
    ipam: {
      driver: p.str('ipam-driver') ?? 'default',
      subnets: stringSlice(p.list('subnet')),
      ipRanges: stringSlice(p.list('ip-range')),
      gateways: stringSlice(p.list('gateway')),
      auxAddresses: kvToMap(p.list('aux-address')),
      options: kvToMap(p.list('ipam-opt')),
    },
  }
}

/** The request body; throws docker's IPAM errors (a plain error, exit 1, as docker's RunE). */
export function networkCreateBody(o: NetworkCreateOptions): NetworkCreateBody {
  return {
    Driver: o.driver,
    Scope: o.scope,
    ...(o.ipv4 !== undefined ? { EnableIPv4: o.ipv4 } : {}),
    ...(o.ipv6 !== undefined ? { EnableIPv6: o.ipv6 } : {}),
    IPAM: ipamConfig(o.ipam),
    Internal: o.internal,
    Attachable: o.attachable,
    Ingress: o.ingress,
    ConfigOnly: o.configOnly,
    ConfigFrom: o.configFrom ? { Network: o.configFrom } : null,
    Options: o.options,
    Labels: o.labels,
    Name: o.name,
  }
}
