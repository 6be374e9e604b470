// `network create`'s IPAM section, paired up as the docker CLI's createIPAMConfig does: one
// IPAM.Config entry per --subnet; each --ip-range, --gateway and --aux-address joins the subnet
// that contains it. Errors carry docker's client-side wording.
import { cidrContains, parseCIDR, parseIP } from './ip.js'

export interface IpamFlags {
  driver: string
  subnets: readonly string[]
  ipRanges: readonly string[]
  gateways: readonly string[]
  /** --aux-address name=ip, in flag order (a later name wins). */
  auxAddresses: Readonly<Record<string, string>>
  options: Readonly<Record<string, string>>
}

export interface IpamConfig {
  Subnet?: string
  IPRange?: string
  Gateway?: string
  AuxiliaryAddresses?: Record<string, string>
}

export interface Ipam {
  Driver: string
  Options: Record<string, string>
  Config: IpamConfig[]
}

/** docker's subnetMatches: does `subnet` contain `data` (an address, or a prefix's address)? */
export function subnetMatches(subnet: string, data: string): boolean {
  let net
  try {
    net = parseCIDR(subnet)
  } catch (e) {
    throw new Error(`invalid subnet: ${(e as Error).message}`)
  }
  const ip = data.includes('/') ? parseCIDR(data).ip : parseIP(data)
  return ip !== undefined && cidrContains(net, ip)
}

export function ipamConfig(f: IpamFlags): Ipam {
  if (f.subnets.length < f.ipRanges.length || f.subnets.length < f.gateways.length) {
    throw new Error('every ip-range or gateway must have a corresponding subnet')
  }
  // keyed by the subnet as typed; docker keeps a Go map, we keep the flags' order
  const bySubnet = new Map<string, { Subnet: string; IPRange?: string; Gateway?: string; AuxiliaryAddresses: Record<string, string> }>()
  for (const s of f.subnets) {
    for (const k of bySubnet.keys()) {
      if (subnetMatches(s, k) || subnetMatches(k, s)) throw new Error('multiple overlapping subnet configuration is not supported')
    }
    bySubnet.set(s, { Subnet: s, AuxiliaryAddresses: {} })
  }
  for (const r of f.ipRanges) {
    let match = false
    for (const s of f.subnets) {
      parseCIDR(r)
      if (!subnetMatches(s, r)) continue
      const d = bySubnet.get(s)!
      if (d.IPRange) throw new Error(`cannot configure multiple ranges (${r}, ${d.IPRange}) on the same subnet (${s})`)
      d.IPRange = r
      match = true
    }
    if (!match) throw new Error(`no matching subnet for range ${r}`)
  }
  for (const g of f.gateways) {
    let match = false
    for (const s of f.subnets) {
      if (!subnetMatches(s, g)) continue
      const d = bySubnet.get(s)!
      if (d.Gateway) throw new Error(`cannot configure multiple gateways (${g}, ${d.Gateway}) for the same subnet (${s})`)
      d.Gateway = g
      match = true
    }
    if (!match) throw new Error(`no matching subnet for gateway ${g}`)
  }
  for (const [key, aa] of Object.entries(f.auxAddresses)) {
    let match = false
    for (const s of f.subnets) {
      if (!subnetMatches(s, aa)) continue
      bySubnet.get(s)!.AuxiliaryAddresses[key] = aa
      match = true
    }
    if (!match) throw new Error(`no matching subnet for aux-address ${aa}`)
  }
  // Go's omitempty: empty strings and an empty map are left out of the JSON
  const config = [...bySubnet.values()].map((d): IpamConfig => ({
    ...(d.Subnet ? { Subnet: d.Subnet } : {}),
    ...(d.IPRange ? { IPRange: d.IPRange } : {}),
    ...(d.Gateway ? { Gateway: d.Gateway } : {}),
    ...(Object.keys(d.AuxiliaryAddresses).length ? { AuxiliaryAddresses: d.AuxiliaryAddresses } : {}),
  }))
  return { Driver: f.driver, Options: { ...f.options }, Config: config }
}
