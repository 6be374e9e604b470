// A container's network sandbox for one run: its namespace (created and pinned by berthd), one
// endpoint per network (lease + interface), and its published ports. `teardown` is the single
// cleanup path — after a stop, a failed start, a crash found at daemon start — and it works from
// what was recorded, so it is safe to run on a half-made sandbox and twice.
import { join } from 'node:path'
import { BerthError, invalid } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { createNetns, removeNetns } from '../../sys/netns.js'
import type { ContainerRecord, EndpointConfig, EndpointRecord, NetworkRecord, PortMapping } from '../../state/records.js'
import type { NetworkRepo } from '../../state/networks.js'
import { attachVeth, detachVeth, loopbackUp, newHostIfName, RATE_RE, shapeVeth, type Bandwidth } from '../../network/bridge.js'
import type { Firewall, FirewallPort } from '../../network/firewall.js'
import { contains, firstFree, formatIp, isValidMac, macFor, parseIp } from '../../network/ipv4.js'
import { contains6, firstFree6, formatIp6, parseIp6 } from '../../network/ipv6.js'
import { portRequests, type PortReservations } from '../../network/ports.js'
import { isUniqueViolation } from '../../state/containers.js'
import { newId } from '../../lib/ids.js'
import { primaryPool, primaryPool6 } from './create.js'
import type { NetworkRegistry } from './registry.js'

/** Drivers other than bridge (CNI plugins) plug in here. */
export interface EndpointDriver {
  attach(net: NetworkRecord, ep: EndpointRecord, netns: string): Promise<EndpointRecord>
  detach(net: NetworkRecord, ep: EndpointRecord, netns: string): Promise<void>
}

export interface SandboxDeps {
  registry: NetworkRegistry
  repo: NetworkRepo
  firewall: Firewall
  ports: PortReservations
  /** directory of the namespace pins */
  netnsDir: string
  cni?: EndpointDriver
}

export const netnsPath = (deps: SandboxDeps, id: string) => join(deps.netnsDir, id)

/** The networks of a container in attach order: the one named by NetworkMode first. */
export function orderedNetworks(deps: SandboxDeps, c: ContainerRecord): Array<[NetworkRecord, EndpointConfig]> {
  const out: Array<[NetworkRecord, EndpointConfig]> = []
  for (const [id, cfg] of Object.entries(c.networks ?? {})) {
    const n = deps.registry.get(id)
    if (!n) throw new BerthError('not-found', `network ${id} not found`)
    out.push([n, cfg])
  }
  return out
}

const hasInterface = (n: NetworkRecord) => n.driver !== 'host' && n.driver !== 'null'

/** The caller's own address when it asked for one (free and inside the subnet), else the first free one. */
function chooseAddress<T>(
  family: 'IPv4' | 'IPv6',
  net: NetworkRecord,
  wanted: string | undefined,
  taken: ReadonlySet<T>,
  ops: { parse(text: string): T; inSubnet(ip: T): boolean; firstFree(): T | undefined },
): T {
  if (wanted) {
    const ip = ops.parse(wanted)
    if (!ops.inSubnet(ip)) throw invalid(`no configured subnet or ip-range contain the IP address ${wanted}`)
    if (taken.has(ip)) throw new BerthError('forbidden', `Address already in use: ${wanted} on network ${net.name}`)
    return ip
  }
  const ip = ops.firstFree()
  if (ip === undefined) throw new BerthError('forbidden', `no available ${family} addresses on network ${net.name}`)
  return ip
}

/** The IPv6 part of a lease on an --ipv6 network (the caller's own --ip6 when given); inside lease's transaction. */
function lease6(deps: SandboxDeps, net: NetworkRecord, cfg: EndpointConfig): Pick<EndpointRecord, 'ip6' | 'prefixLen6' | 'gateway6'> {
  const pool = primaryPool6(net)
  if (!pool) return {}
  const taken = new Set(deps.repo.leasedIps6(net.id).map(parseIp6))
  taken.add(pool.gateway)
  pool.reserved.forEach((r) => taken.add(r))
  taken.add(pool.subnet.base) // the subnet-router anycast address
  const ip = chooseAddress('IPv6', net, cfg.IPAMConfig?.IPv6Address, taken, {
    parse: parseIp6,
    inSubnet: (x) => contains6(pool.subnet, x),
    firstFree: () => firstFree6(pool.subnet, taken, pool.range),
  })
  return { ip6: formatIp6(ip), prefixLen6: pool.subnet.prefix, gateway6: formatIp6(pool.gateway) }
}

/** Leases an address on `net` for container `c` (the caller's own --ip when given), and one IPv6 address on an --ipv6 network. Synchronous: one transaction. */
export function lease(deps: SandboxDeps, net: NetworkRecord, c: ContainerRecord, cfg: EndpointConfig, ifName: string): EndpointRecord {
  const pool = primaryPool(net)
  if (!pool) throw invalid(`network ${net.name} has no IPv4 pool`)
  return deps.repo.transaction(() => {
    const taken = new Set(deps.repo.leasedIps(net.id).map(parseIp))
    taken.add(pool.gateway)
    pool.reserved.forEach((r) => taken.add(r))
    const ip = chooseAddress('IPv4', net, cfg.IPAMConfig?.IPv4Address, taken, {
      parse: parseIp,
      inSubnet: (x) => contains(pool.subnet, x),
      firstFree: () => firstFree(pool.subnet, taken, pool.range),
    })
    const mac = cfg.MacAddress || macFor(ip)
    if (!isValidMac(mac)) throw invalid(`invalid MAC address: ${mac}`)
    const ep: EndpointRecord = {
      networkId: net.id,
      containerId: c.id,
      endpointId: newId(),
      ip: formatIp(ip),
      prefixLen: pool.subnet.prefix,
      gateway: formatIp(pool.gateway),
      ...lease6(deps, net, cfg),
      mac,
      ifName,
    }
    if (net.driver === 'bridge') ep.hostIf = newHostIfName()
    try {
      deps.repo.addEndpoint(ep)
    } catch (e) {
      if (isUniqueViolation(e)) throw new BerthError('forbidden', `endpoint with name ${c.name} already exists in network ${net.name}`)
      throw e
    }
    return ep
  })
}

export const BANDWIDTH_INGRESS = 'berth.bandwidth.ingress'
export const BANDWIDTH_EGRESS = 'berth.bandwidth.egress'

/**
 * A container's rate limits on a network: the endpoint's driver options (`connect --driver-opt`)
 * win over the container's labels, which win over the network's options (`network create -o`).
 */
export function bandwidthOf(net: NetworkRecord, labels: Record<string, string> | undefined, cfg: EndpointConfig): Bandwidth {
  const pick = (key: string) => {
    const v = cfg.DriverOpts?.[key] ?? labels?.[key] ?? net.options[key]
    if (v !== undefined && !RATE_RE.test(v)) throw invalid(`invalid rate for ${key}: "${v}" (use tc's units, e.g. 10mbit)`)
    return v
  }
  return { ingress: pick(BANDWIDTH_INGRESS), egress: pick(BANDWIDTH_EGRESS) }
}

/** Which default routes an endpoint carries: the first non-internal network of each family has them. */
export interface DefaultRoutes {
  v4: boolean
  v6: boolean
}

/** Brings an endpoint's interface up inside the sandbox; on failure the lease is returned. */
export async function plug(deps: SandboxDeps, net: NetworkRecord, ep: EndpointRecord, netns: string, routes: DefaultRoutes, bw: Bandwidth = {}): Promise<EndpointRecord> {
  try {
    if (net.driver === 'bridge') {
      const mtu = Number(net.options['com.docker.network.driver.mtu']) || undefined
      await attachVeth({
        netns, bridge: net.bridge!, hostIf: ep.hostIf!, ifName: ep.ifName, mac: ep.mac, ip: ep.ip, prefix: ep.prefixLen, gateway: ep.gateway, mtu,
        defaultRoute: routes.v4, ip6: ep.ip6, prefix6: ep.prefixLen6, gateway6: ep.gateway6, defaultRoute6: routes.v6,
      })
      if (bw.ingress || bw.egress) await shapeVeth({ hostIf: ep.hostIf!, ifName: ep.ifName, netns }, bw)
      return ep
    }
    if (bw.ingress || bw.egress) throw invalid(`bandwidth limits need the bridge driver; network ${net.name} uses ${net.driver}`)
    if (!deps.cni) throw new BerthError('not-implemented', `network driver ${net.driver} is not available`)
    const done = await deps.cni.attach(net, ep, netns)
    deps.repo.removeEndpoint(net.id, ep.containerId)
    deps.repo.addEndpoint(done)
    return done
  } catch (e) {
    deps.repo.removeEndpoint(net.id, ep.containerId)
    if (net.driver === 'bridge' && ep.hostIf) await detachVeth(ep.hostIf).catch(() => undefined)
    throw e
  }
}

/** The default routes `ep` on `net` carries, given the endpoints the sandbox has already. */
export function defaultRoutesFor(deps: SandboxDeps, net: NetworkRecord, ep: EndpointRecord, others: readonly EndpointRecord[]): DefaultRoutes {
  if (net.internal) return { v4: false, v6: false }
  const routed = others.filter((o) => o.networkId !== ep.networkId && deps.registry.get(o.networkId)?.internal === false)
  return { v4: routed.length === 0, v6: !!ep.ip6 && !routed.some((o) => o.ip6) }
}

/** Takes an endpoint down (live disconnect or teardown) and returns its lease. */
export async function unplug(deps: SandboxDeps, ep: EndpointRecord, netns: string, live: boolean): Promise<void> {
  const net = deps.registry.get(ep.networkId)
  try {
    if (net && net.driver !== 'bridge' && deps.cni) await deps.cni.detach(net, ep, netns)
    // Without `live` the namespace is about to go, taking the veth with it.
    else if (live && ep.hostIf) await detachVeth(ep.hostIf)
  } catch (e) {
    log.warn('network detach failed', { container: ep.containerId, network: ep.networkId, error: String(e) })
  }
  deps.repo.removeEndpoint(ep.networkId, ep.containerId)
}

/** The endpoint that carries published ports: the first bridge network that is not internal. */
export function publishingEndpoint(deps: SandboxDeps, eps: readonly EndpointRecord[]): EndpointRecord | undefined {
  return eps.find((e) => {
    const n = deps.registry.get(e.networkId)
    return n?.driver === 'bridge' && !n.internal
  })
}

export const firewallPorts = (ports: readonly PortMapping[], ep: EndpointRecord | undefined): FirewallPort[] =>
  ep ? ports.map((p) => ({ proto: p.proto, hostIp: p.hostIp, hostPort: p.hostPort, ip: ep.ip, port: p.containerPort })) : []

/**
 * Builds the sandbox for a run. Returns the namespace pin for the runtime spec; sets `c.ports`.
 * On failure everything made so far is torn down before the error propagates.
 */
export async function setup(deps: SandboxDeps, c: ContainerRecord): Promise<string> {
  const netns = netnsPath(deps, c.id)
  createNetns(netns)
  try {
    loopbackUp(netns)
    const eps: EndpointRecord[] = []
    for (const [net, cfg] of orderedNetworks(deps, c).filter(([n]) => hasInterface(n))) {
      const ep = lease(deps, net, c, cfg, `eth${eps.length}`)
      eps.push(await plug(deps, net, ep, netns, defaultRoutesFor(deps, net, ep, eps), bandwidthOf(net, c.config.Labels, cfg)))
    }
    const reqs = portRequests(
      c.hostConfig.PortBindings as Parameters<typeof portRequests>[0],
      !!c.hostConfig.PublishAllPorts,
      c.config.ExposedPorts,
    )
    const via = publishingEndpoint(deps, eps)
    c.ports = via ? await deps.ports.reserve(c.id, reqs) : []
    await deps.firewall.addPorts(firewallPorts(c.ports, via))
    return netns
  } catch (e) {
    await teardown(deps, c)
    throw e
  }
}

export async function teardown(deps: SandboxDeps, c: ContainerRecord): Promise<void> {
  const eps = deps.repo.endpointsFor(c.id)
  const netns = netnsPath(deps, c.id)
  if (c.ports?.length) await deps.firewall.removePorts(firewallPorts(c.ports, publishingEndpoint(deps, eps))).catch((e: unknown) => log.warn('firewall cleanup failed', { id: c.id, error: String(e) }))
  deps.ports.release(c.id)
  c.ports = []
  for (const ep of eps) await unplug(deps, ep, netns, false)
  removeNetns(netns)
}
