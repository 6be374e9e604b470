// `network create`: Docker's request → a checked NetworkRecord. Pure apart from what it is given:
// the networks that exist and the host's routes (for choosing a free subnet).
import { BerthError, invalid } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import type { IpamPool, NetworkRecord } from '../../state/records.js'
import { contains, formatCidr, formatIp, overlaps, parseCidr, parseIp, pickSubnet, type Cidr } from '../../network/ipv4.js'

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

/** The subnets of existing networks: a new one may overlap none of them. */
export const subnetsOf = (nets: readonly NetworkRecord[]): Cidr[] =>
  nets.flatMap((n) => n.ipam.Config.filter((p) => p.Subnet && !p.Subnet.includes(':')).map((p) => parseCidr(p.Subnet)))

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
  if (req.EnableIPv6) throw new BerthError('not-implemented', 'IPv6 networks (--ipv6) are not supported by berth yet')
  const ipamDriver = req.IPAM?.Driver || 'default'
  if (ipamDriver !== 'default') throw new BerthError('not-found', `plugin "${ipamDriver}" not found`)
  const options = { ...(req.Options ?? {}) }
  const mtu = options[MTU_OPT]
  if (mtu !== undefined && !(/^\d+$/.test(mtu) && Number(mtu) >= 68 && Number(mtu) <= 65535))
    throw invalid(`invalid MTU value "${mtu}"`)

  const taken = subnetsOf(ctx.existing)
  // each pool also may not overlap the ones before it in the same request
  const pools = (req.IPAM?.Config ?? []).map((p) => {
    const pool = checkPool(p, taken)
    taken.push(parseCidr(pool.Subnet))
    return pool
  })
  if (pools.length === 0) {
    const chosen = pickSubnet([...taken, ...ctx.hostRoutes])
    if (!chosen) throw new BerthError('forbidden', 'could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network')
    pools.push({ Subnet: formatCidr(chosen), Gateway: formatIp(chosen.base + 1) })
  }
  const id = newId()
  const autoSubnet = !req.IPAM?.Config?.length
  const record: NetworkRecord = {
    id,
    name,
    driver,
    created: new Date().toISOString(),
    internal: !!req.Internal,
    attachable: !!req.Attachable,
    ipv6: false,
    labels: req.Labels ?? {},
    options,
    ipam: { Driver: ipamDriver, Options: req.IPAM?.Options ?? {}, Config: pools },
  }
  if (autoSubnet) record.autoSubnet = true
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
  if (p.Subnet.includes(':')) throw new BerthError('not-implemented', 'IPv6 networks are not supported by berth yet')
  const subnet = parseCidr(p.Subnet)
  if (subnet.prefix > 30) throw invalid(`invalid subnet ${p.Subnet}: too small for a gateway and a container`)
  if (taken.some((t) => overlaps(t, subnet))) throw new BerthError('forbidden', `invalid pool request: Pool overlaps with other one on this address space`)
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
