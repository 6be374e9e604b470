// `network create`: Docker's request → a checked NetworkRecord. Pure apart from what it is given:
// the networks that exist and the host's routes (for choosing a free subnet), and the random bytes
// of an automatic IPv6 subnet.
//
// IPAM.Config holds a network's IPv4 pools first, then its IPv6 pools (as Docker reports them). A
// network always has an IPv4 pool; an --ipv6 network (bridge driver only) also has an IPv6 one,
// a random unique local /64 when none is given. The first pool of each family is the one berth
// leases from.
import { randomBytes } from 'node:crypto'
import { BerthError, invalid } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import type { IpamPool, NetworkRecord } from '../../state/records.js'
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, pickSubnet, type Cidr } from '../../network/ipv4.js'
import { contains6, formatCidr6, formatIp6, overlaps6, parseCidr6, parseIp6, ulaSubnet, type Cidr6 } from '../../network/ipv6.js'

export interface NetworkCreateRequest {
  Name: string
  Driver?: string
  Internal?: boolean
  Attachable?: boolean
  EnableIPv6?: boolean
  IPAM?: { Driver?: string; Config?: IpamPool[] | null; Options?: Record<string, string> | null } | null
  Options?: Record<string, string> | null
  Labels?: Record<string, string> | null
}

export const BRIDGE_NAME_OPT = 'com.docker.network.bridge.name'
export const MTU_OPT = 'com.docker.network.driver.mtu'

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

const isPool6 = (p: IpamPool) => !!p.Subnet && p.Subnet.includes(':')

/** The IPv4 subnets of existing networks: a new one may overlap none of them. */
export const subnetsOf = (nets: readonly NetworkRecord[]): Cidr[] =>
  nets.flatMap((n) => n.ipam.Config.filter((p) => p.Subnet && !isPool6(p)).map((p) => parseCidr(p.Subnet)))

/** The IPv6 subnets of existing networks. */
export const subnets6Of = (nets: readonly NetworkRecord[]): Cidr6[] =>
  nets.flatMap((n) => n.ipam.Config.filter(isPool6).map((p) => parseCidr6(p.Subnet)))

const OVERLAP = 'invalid pool request: Pool overlaps with other one on this address space'

export function buildNetwork(
  req: NetworkCreateRequest,
  ctx: { existing: readonly NetworkRecord[]; hostRoutes: readonly Cidr[]; cniPlugin: (type: string) => boolean },
): NetworkRecord {
  const name = req.Name
  if (!name) throw invalid('network name must not be empty')
  if (!NAME_RE.test(name)) throw invalid(`invalid network name "${name}": only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
  if (ctx.existing.some((n) => n.name === name)) throw new BerthError('conflict', `network with name ${name} already exists`)
  const driver = req.Driver || 'bridge'
  if (driver === 'host' || driver === 'null') throw new BerthError('forbidden', `only one instance of "${driver}" network is allowed`)
  if (driver !== 'bridge' && !ctx.cniPlugin(driver)) throw new BerthError('not-found', `plugin "${driver}" not found`)
  const ipv6 = !!req.EnableIPv6
  const given = req.IPAM?.Config ?? []
  // Docker 27 keeps such a pool and never uses it; refusing says why the network has no IPv6.
  const stray6 = ipv6 ? undefined : given.find(isPool6)
  if (stray6) throw invalid(`IPv6 subnet ${stray6.Subnet} given but IPv6 is not enabled (add --ipv6)`)
  if (ipv6 && driver !== 'bridge') throw new BerthError('not-implemented', `IPv6 networks (--ipv6) are not supported by berth for the ${driver} driver yet`)
  const ipamDriver = req.IPAM?.Driver || 'default'
  if (ipamDriver !== 'default') throw new BerthError('not-found', `plugin "${ipamDriver}" not found`)
  const options = { ...(req.Options ?? {}) }
  const mtu = options[MTU_OPT]
  if (mtu !== undefined && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535))
    throw invalid(`invalid MTU value "${mtu}"`)

  const taken = subnetsOf(ctx.existing)
  const taken6 = subnets6Of(ctx.existing)
  // each pool also may not overlap the ones before it in the same request
  const pools = given.filter((p) => !isPool6(p)).map((p) => {
    const pool = checkPool(p, taken)
    taken.push(parseCidr(pool.Subnet))
    return pool
  })
  const pools6 = given.filter(isPool6).map((p) => {
    const pool = checkPool6(p, taken6)
    taken6.push(parseCidr6(pool.Subnet))
    return pool
  })
  const autoSubnet = pools.length === 0
  const autoSubnet6 = ipv6 && pools6.length === 0
  if (autoSubnet) {
    const chosen = pickSubnet([...taken, ...ctx.hostRoutes])
    if (!chosen) throw new BerthError('forbidden', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network')
    pools.push({ Subnet: formatCidr(chosen), Gateway: formatIp(chosen.base + 1) })
  }
  if (autoSubnet6) {
    const chosen = pickSubnet6(taken6)
    pools6.push({ Subnet: formatCidr6(chosen), Gateway: formatIp6(chosen.base + 1n) })
  }
  const id = newId()
  const record: NetworkRecord = {
    id,
    name,
    driver,
    created: new Date().toISOString(),
    internal: !!req.Internal,
    attachable: !!req.Attachable,
    ipv6,
    labels: req.Labels ?? {},
    options,
    ipam: { Driver: ipamDriver, Options: req.IPAM?.Options ?? {}, Config: [...pools, ...pools6] },
  }
  if (autoSubnet) record.autoSubnet = true
  if (autoSubnet6) record.autoSubnet6 = true
  if (driver === 'bridge') {
    const bridge = options[BRIDGE_NAME_OPT] || `br-${id.slice(0, 12)}`
    if (!/^[a-zA-Z0-9_.-]{1,15}$/.test(bridge)) throw invalid(`invalid bridge name "${bridge}"`)
    if (ctx.existing.some((n) => n.bridge === bridge)) throw new BerthError('conflict', `bridge name ${bridge} is already in use by another network`)
    record.bridge = bridge
  }
  return record
}

function checkPool(p: IpamPool, taken: readonly Cidr[]): IpamPool {
  if (!p.Subnet) throw invalid('an IPAM pool needs a subnet')
  const subnet = parseCidr(p.Subnet)
  if (subnet.prefix > 30) throw invalid(`invalid subnet ${p.Subnet}: too small for a gateway and a container`)
  if (taken.some((t) => overlaps(t, subnet))) throw new BerthError('forbidden', OVERLAP)
  const out: IpamPool = { Subnet: formatCidr(subnet) }
  if (p.IPRange) {
    const range = parseCidr(p.IPRange)
    if (!contains(subnet, range.base) || range.prefix < subnet.prefix) throw invalid(`IP range ${p.IPRange} is not within subnet ${p.Subnet}`)
    out.IPRange = formatCidr(range)
  }
  const gateway = p.Gateway ? parseIp(p.Gateway) : subnet.base + 1
  if (!contains(subnet, gateway) || gateway === subnet.base) throw invalid(`gateway ${p.Gateway} is not within subnet ${p.Subnet}`)
  out.Gateway = formatIp(gateway)
  if (p.AuxiliaryAddresses && Object.keys(p.AuxiliaryAddresses).length) {
    for (const [k, v] of Object.entries(p.AuxiliaryAddresses))
      if (!contains(subnet, parseIp(v))) throw invalid(`auxiliary address ${k}=${v} is not within subnet ${p.Subnet}`)
    out.AuxiliaryAddresses = p.AuxiliaryAddresses
  }
  return out
}

/** The IPv6 twin of checkPool: the same rules, with ::0 (subnet-router anycast) in place of the network address. */
function checkPool6(p: IpamPool, taken: readonly Cidr6[]): IpamPool {
  const subnet = parseCidr6(p.Subnet)
  if (subnet.prefix > 126) throw invalid(`invalid subnet ${p.Subnet}: too small for a gateway and a container`)
  if (taken.some((t) => overlaps6(t, subnet))) throw new BerthError('forbidden', OVERLAP)
  const out: IpamPool = { Subnet: formatCidr6(subnet) }
  if (p.IPRange) {
    const range = parseCidr6(p.IPRange)
    if (!contains6(subnet, range.base) || range.prefix < subnet.prefix) throw invalid(`IP range ${p.IPRange} is not within subnet ${p.Subnet}`)
    out.IPRange = formatCidr6(range)
  }
  const gateway = p.Gateway ? parseIp6(p.Gateway) : subnet.base + 1n
  if (!contains6(subnet, gateway) || gateway === subnet.base) throw invalid(`gateway ${p.Gateway} is not within subnet ${p.Subnet}`)
  out.Gateway = formatIp6(gateway)
  if (p.AuxiliaryAddresses && Object.keys(p.AuxiliaryAddresses).length) {
    for (const [k, v] of Object.entries(p.AuxiliaryAddresses))
      if (!contains6(subnet, parseIp6(v))) throw invalid(`auxiliary address ${k}=${v} is not within subnet ${p.Subnet}`)
    out.AuxiliaryAddresses = p.AuxiliaryAddresses
  }
  return out
}

/** A random unique local /64 that overlaps no network's (2^56 of them: a clash is a freak). */
function pickSubnet6(taken: readonly Cidr6[]): Cidr6 {
  for (let i = 0; i < 16; i++) {
    const s = ulaSubnet(randomBytes(7))
    if (!taken.some((t) => overlaps6(t, s))) return s
  }
  throw new BerthError('forbidden', 'could not find an available, non-overlapping IPv6 address pool among the defaults to assign to the network')
}

/** The first IPv4 pool of a network: berth gives each container one address from it. */
export function primaryPool(n: NetworkRecord): { subnet: Cidr; gateway: number; range?: Cidr; reserved: number[] } | undefined {
  const p = n.ipam.Config.find((x) => x.Subnet && !x.Subnet.includes(':'))
  if (!p) return undefined
  const subnet = parseCidr(p.Subnet)
  const gateway = p.Gateway ? parseIp(p.Gateway) : subnet.base + 1
  return {
    subnet,
    gateway,
    range: p.IPRange ? parseCidr(p.IPRange) : undefined,
    reserved: Object.values(p.AuxiliaryAddresses ?? {}).map(parseIp),
  }
}

/** The first IPv6 pool of an --ipv6 network: berth gives each container one address from it too. */
export function primaryPool6(n: NetworkRecord): { subnet: Cidr6; gateway: bigint; range?: Cidr6; reserved: bigint[] } | undefined {
  const p = n.ipv6 ? n.ipam.Config.find(isPool6) : undefined
  if (!p) return undefined
  const subnet = parseCidr6(p.Subnet)
  return {
    subnet,
    gateway: p.Gateway ? parseIp6(p.Gateway) : subnet.base + 1n,
    range: p.IPRange ? parseCidr6(p.IPRange) : undefined,
    reserved: Object.values(p.AuxiliaryAddresses ?? {}).map(parseIp6),
  }
}
