// The networks every daemon has (bridge, host, none), the default bridge's pool, and the host's
// routes a new subnet must not shadow.
import { readFile } from 'node:fs/promises'
import { BerthError, invalid } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { newId } from '../../lib/ids.js'
import { deleteBridge } from '../../network/bridge.js'
import { formatCidr, formatIp, parseCidr, pickSubnet, type Cidr } from '../../network/ipv4.js'
import type { NetworkRepo } from '../../state/networks.js'
import { subnetsOf } from './create.js'
import type { NetworkRegistry } from './registry.js'

export async function ensureBuiltins(registry: NetworkRegistry, repo: NetworkRepo, opts: { bridge: string; bip?: string; mtu?: number }): Promise<void> {
  const have = (name: string) => registry.find(name)
  const base = { created: new Date().toISOString(), internal: false, attachable: false, ipv6: false, labels: {}, builtin: true }
  if (!have('none')) registry.insert({ ...base, id: newId(), name: 'none', driver: 'null', options: {}, ipam: { Driver: 'default', Options: null, Config: [] } })
  if (!have('host')) registry.insert({ ...base, id: newId(), name: 'host', driver: 'host', options: {}, ipam: { Driver: 'default', Options: null, Config: [] } })
  const existing = have('bridge')
  const wanted = opts.bip ? bipPool(opts.bip) : undefined
  if (existing) {
    const pool = existing.ipam.Config[0]
    const changed = existing.bridge !== opts.bridge || (wanted && (pool?.Subnet !== wanted.Subnet || pool?.Gateway !== wanted.Gateway))
    if (!changed) return
    if (repo.endpointsOf(existing.id).length > 0) {
      log.warn('the default bridge settings changed but containers use it; keeping the old ones until they stop')
      return
    }
    registry.remove(existing.id)
    if (existing.bridge && existing.bridge !== opts.bridge) await deleteBridge(existing.bridge).catch(() => undefined)
  }
  const others = registry.all()
  let pool = wanted
  if (!pool) {
    const chosen = pickSubnet([...subnetsOf(others), ...(await hostRoutes())])
    if (!chosen) throw new BerthError('internal', 'no free private subnet for the default bridge; set one with --bip')
    pool = { Subnet: formatCidr(chosen), Gateway: formatIp(chosen.base + 1) }
  }
  const options: Record<string, string> = {
    'com.docker.network.bridge.default_bridge': 'true',
    'com.docker.network.bridge.enable_icc': 'true',
    'com.docker.network.bridge.enable_ip_masquerade': 'true',
    'com.docker.network.bridge.host_binding_ipv4': '0.0.0.0',
    'com.docker.network.bridge.name': opts.bridge,
    'com.docker.network.driver.mtu': String(opts.mtu ?? 1500),
  }
  registry.insert({
    ...base,
    id: existing?.id ?? newId(),
    name: 'bridge',
    driver: 'bridge',
    options,
    ipam: { Driver: 'default', Options: null, Config: [pool] },
    bridge: opts.bridge,
  })
}

function bipPool(bip: string): { Subnet: string; Gateway: string } {
  const m = /^([0-9.]+)\/(\d+)$/.exec(bip)
  if (!m) throw invalid(`invalid --bip: ${bip}`)
  const subnet = parseCidr(bip)
  return { Subnet: formatCidr(subnet), Gateway: m[1]! }
}

/** The destinations routed from berthd's namespace (a new subnet must not shadow them). */
export async function hostRoutes(): Promise<Cidr[]> {
  const text = await readFile('/proc/net/route', 'utf8').catch(() => '')
  // Destination and Mask are the kernel's little-endian hex words.
  const word = (hex: string) => Buffer.from(hex, 'hex').readUInt32BE(0)
  const swapped = (hex: string) => Buffer.from(hex, 'hex').reverse().readUInt32BE(0)
  return text
    .split('\n')
    .slice(1)
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 8 && /^[0-9A-F]{8}$/i.test(f[1]!) && word(f[7]!) !== 0)
    .map((f) => ({ base: swapped(f[1]!), prefix: popcount(word(f[7]!)) }))
}

const popcount = (n: number) => n.toString(2).replace(/0/g, '').length
