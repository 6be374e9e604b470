// The network service: Docker's network verbs (create, inspect, connect, …), the sandbox of each
// container run, the embedded DNS server's answers, and the startup reconcile of leases, ports
// and the firewall with the containers that still run.
import { readdir, readFile, writeFile } from 'node:fs/promises'
import { removeNetns } from '../../sys/netns.js'
import { BerthError, invalid } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import type { Db } from '../../state/db.js'
import { NetworkRepo } from '../../state/networks.js'
import type { ContainerRecord, DockerConfig, DockerHostConfig, EndpointConfig, EndpointRecord, NetworkRecord } from '../../state/records.js'
import type { EventBus } from '../events.js'
import { deleteBridge, ensureBridge } from '../../network/bridge.js'
import { Firewall, type FirewallState } from '../../network/firewall.js'
import { PortReservations, portRequests } from '../../network/ports.js'
import { DnsServer } from '../../network/dns/server.js'
import { hostsFile, resolvConf } from '../../network/etc-files.js'
import { formatCidr, parseIp, formatIp } from '../../network/ipv4.js'
import { contains6, formatCidr6, formatIp6, isIpv6, parseIp6 } from '../../network/ipv6.js'
import { buildNetwork, primaryPool, primaryPool6, type NetworkCreateRequest } from './create.js'
import { NetworkRegistry } from './registry.js'
import { bandwidthOf, defaultRoutesFor, firewallPorts, lease, netnsPath, plug, publishingEndpoint, setup, teardown, unplug, type EndpointDriver, type SandboxDeps } from './sandbox.js'
import { linkEnv, linkHostsLine, parseLinks } from './links.js'
import { isRunning, isUserBridge, linksOf, type ContainerView } from './view.js'
import { embeddedDns, addressesOf } from './dns-answers.js'
import { ensureBuiltins, hostRoutes } from './builtins.js'

export type { ContainerView } from './view.js'

export interface NetworkOptions {
  /** the default bridge's device (dockerd --bridge) */
  bridge: string
  /** the default bridge's address and prefix (dockerd --bip), e.g. 172.17.0.1/16 */
  bip?: string
  mtu?: number
  /** berth's nftables table */
  table: string
  /** where the embedded DNS server forwards unknown names; undefined = the host's resolvers */
  dnsUpstreams?: string[]
  netnsDir: string
  /** hosts files of running containers are rewritten here when a linked container moves */
  hostsPathOf: (id: string) => string
  cni?: EndpointDriver & { pluginExists(type: string): boolean; check(n: NetworkRecord): void }
}

/** What a run gets from its sandbox. */
export interface RunNetwork {
  /** the pinned namespace to join; undefined for host mode and container:X */
  netns?: string
  env: string[]
  hosts?: string
  resolvConf?: string
}


export class NetworkService {
  readonly registry: NetworkRegistry
  readonly repo: NetworkRepo
  readonly firewall: Firewall
  readonly ports = new PortReservations()
  readonly dns: DnsServer
  private readonly sandbox: SandboxDeps
  private hostUpstreams: string[] = []

  constructor(
    db: Db,
    private readonly opts: NetworkOptions,
    private readonly containers: ContainerView,
    private readonly events: EventBus,
  ) {
    this.repo = new NetworkRepo(db)
    this.registry = new NetworkRegistry(this.repo)
    this.firewall = new Firewall(opts.table, () => this.firewallState())
    this.sandbox = { registry: this.registry, repo: this.repo, firewall: this.firewall, ports: this.ports, netnsDir: opts.netnsDir, cni: opts.cni }
    this.dns = new DnsServer(
      embeddedDns({
        registry: this.registry,
        repo: this.repo,
        containers,
        upstreams: (asker) => {
          const dns = (asker?.hostConfig.Dns as string[] | undefined) ?? []
          return dns.length ? dns : (this.opts.dnsUpstreams ?? this.hostUpstreams)
        },
      }),
    )
  }

  /** Daemon start: built-in networks, bridges, the firewall table and DNS listeners. */
  async init(): Promise<void> {
    const hostResolv = await readFile('/etc/resolv.conf', 'utf8').catch(() => '')
    this.hostUpstreams = hostResolv.split('\n').map((l) => /^\s*nameserver\s+(\d+\.\d+\.\d+\.\d+)\s*$/.exec(l)?.[1]).filter((x): x is string => !!x)
    await ensureBuiltins(this.registry, this.repo, this.opts)
    // One broken network (its bridge name taken by another device meanwhile) must not keep the
    // daemon down; its containers fail to start with the reason instead.
    for (const n of this.registry.all())
      if (n.driver === 'bridge')
        await this.ensureBridgeOf(n).catch((e: unknown) => log.error('network not usable', { network: n.name, error: String(e) }))
  }

  /** After the containers' reconcile: leases and ports of dead runs go, live ones are held again. */
  async reconcile(): Promise<void> {
    for (const ep of this.repo.endpoints()) {
      const c = this.containers.get(ep.containerId)
      if (isRunning(c)) continue
      log.info('releasing the network endpoint of a container that is not running', { id: ep.containerId })
      await unplug(this.sandbox, ep, netnsPath(this.sandbox, ep.containerId), false)
    }
    for (const c of this.containers.all()) {
      if (isRunning(c) && c.ports?.length) await this.ports.rehold(c.id, c.ports)
    }
    // Pins whose container is gone or not running (a crash between pin and record).
    for (const id of await readdir(this.opts.netnsDir).catch(() => [] as string[]))
      if (!isRunning(this.containers.get(id))) removeNetns(netnsPath(this.sandbox, id))
    await this.firewall.sync()
    for (const n of this.registry.all()) if (isUserBridge(n)) await this.listenDns(n)
  }

  async close(): Promise<void> {
    this.ports.releaseAll()
    await this.dns.closeAll()
  }

  // ---- Docker's network verbs ----

  list(): NetworkRecord[] {
    return this.registry.all()
  }

  inspect(ref: string): NetworkRecord {
    return this.registry.resolve(ref)
  }

  /** The running containers on a network, with their endpoints (inspect's Containers). */
  endpointsOf(n: NetworkRecord): Array<{ container: ContainerRecord; ep: EndpointRecord }> {
    return this.repo.endpointsOf(n.id).flatMap((ep) => {
      const c = this.containers.get(ep.containerId)
      return c ? [{ container: c, ep }] : []
    })
  }

  /** What inspect and ps show of a container's networks. */
  viewOf(c: ContainerRecord): { networks: Array<{ net: NetworkRecord; cfg: EndpointConfig; ep?: EndpointRecord }>; sandboxKey?: string } {
    const eps = this.repo.endpointsFor(c.id)
    const networks = Object.entries(c.networks ?? {}).flatMap(([id, cfg]) => {
      const net = this.registry.get(id)
      return net ? [{ net, cfg, ep: eps.find((e) => e.networkId === id) }] : []
    })
    return { networks, sandboxKey: this.ownsSandbox(c) ? netnsPath(this.sandbox, c.id) : undefined }
  }

  endpointFor(networkId: string, containerId: string): EndpointRecord | undefined {
    return this.repo.endpointsFor(containerId).find((e) => e.networkId === networkId)
  }

  async create(req: NetworkCreateRequest): Promise<{ id: string; warning: string }> {
    const n = buildNetwork(req, {
      existing: this.registry.all(),
      hostRoutes: await hostRoutes(),
      cniPlugin: (type) => !!this.opts.cni?.pluginExists(type),
    })
    if (n.driver !== 'bridge') this.opts.cni?.check(n)
    this.registry.insert(n)
    try {
      if (n.driver === 'bridge') {
        await this.ensureBridgeOf(n)
        await this.firewall.sync()
        await this.listenDns(n)
      }
    } catch (e) {
      await this.dropNetwork(n)
      throw e
    }
    this.events.emit({ type: 'network', action: 'create', id: n.id, attributes: { name: n.name, type: n.driver } })
    return { id: n.id, warning: '' }
  }

  async remove(ref: string): Promise<void> {
    const n = this.registry.resolve(ref)
    if (n.builtin) throw new BerthError('forbidden', `${n.name} is a pre-defined network and cannot be removed`)
    if (this.repo.endpointsOf(n.id).length > 0)
      throw new BerthError('forbidden', `error while removing network: network ${n.name} id ${n.id} has active endpoints`)
    await this.dropNetwork(n)
    this.events.emit({ type: 'network', action: 'destroy', id: n.id, attributes: { name: n.name, type: n.driver } })
  }

  /** Removes unused user-defined networks; returns their names. */
  async prune(keep: (n: NetworkRecord) => boolean): Promise<string[]> {
    const removed: string[] = []
    for (const n of this.registry.all()) {
      if (n.builtin || keep(n) || this.repo.endpointsOf(n.id).length > 0) continue
      await this.remove(n.id).then(() => removed.push(n.name)).catch((e: unknown) => log.warn('prune: network not removed', { name: n.name, error: String(e) }))
    }
    return removed
  }

  private async dropNetwork(n: NetworkRecord): Promise<void> {
    await this.dns.close(primaryPool(n) ? formatIp(primaryPool(n)!.gateway) : '').catch(() => undefined)
    this.registry.remove(n.id)
    if (n.driver === 'bridge' && n.bridge) {
      await this.firewall.sync()
      await deleteBridge(n.bridge)
    }
  }

  async connect(ref: string, containerRef: string, cfg: EndpointConfig): Promise<void> {
    const n = this.registry.resolve(ref)
    const c0 = this.containers.resolve(containerRef)
    await this.containers.locked(c0.id, async () => {
      const c = this.containers.resolve(c0.id)
      if (n.driver === 'host' || n.driver === 'null' || !this.ownsSandbox(c))
        throw new BerthError('forbidden', `container cannot be disconnected from host network or connected to host network`)
      if (c.networks?.[n.id]) throw new BerthError('forbidden', `endpoint with name ${c.name} already exists in network ${n.name}`)
      if (Object.keys(c.networks ?? {}).some((id) => { const d = this.registry.get(id)?.driver; return d === 'null' }))
        throw new BerthError('forbidden', 'container cannot be connected to multiple networks with one of the networks in private (none) mode')
      this.checkEndpointConfig(n, cfg)
      if (isRunning(c)) {
        const netns = netnsPath(this.sandbox, c.id)
        const used = new Set(this.repo.endpointsFor(c.id).map((e) => e.ifName))
        let i = 0
        while (used.has(`eth${i}`)) i++
        const ep = lease(this.sandbox, n, c, cfg, `eth${i}`)
        // The IPv4 default route stays where it is; a first IPv6 network brings the IPv6 one.
        const routes = { v4: false, v6: defaultRoutesFor(this.sandbox, n, ep, this.repo.endpointsFor(c.id)).v6 }
        await plug(this.sandbox, n, ep, netns, routes, bandwidthOf(n, c.config.Labels, cfg))
      }
      c.networks = { ...(c.networks ?? {}), [n.id]: cfg }
      this.containers.save(c)
    })
    if (isUserBridge(n)) await this.listenDns(n)
    this.events.emit({ type: 'network', action: 'connect', id: n.id, attributes: { container: c0.id, name: n.name, type: n.driver } })
  }

  async disconnect(ref: string, containerRef: string, force: boolean): Promise<void> {
    const n = this.registry.resolve(ref)
    const c0 = this.containers.find(containerRef)
    if (!c0) {
      // Docker lets --force clean up an endpoint whose container is gone.
      if (force) return
      throw new BerthError('not-found', `No such container: ${containerRef}`)
    }
    await this.containers.locked(c0.id, async () => {
      const c = this.containers.resolve(c0.id)
      if (n.driver === 'host') throw new BerthError('forbidden', 'container cannot be disconnected from host network or connected to host network')
      if (!c.networks?.[n.id]) throw new BerthError('forbidden', `container ${c.id} is not connected to network ${n.name}`)
      const ep = this.endpointFor(n.id, c.id)
      if (ep) {
        if (c.ports?.length && publishingEndpoint(this.sandbox, [ep]) === ep && publishingEndpoint(this.sandbox, this.repo.endpointsFor(c.id)) === ep) {
          await this.firewall.removePorts(firewallPorts(c.ports, ep))
          this.ports.release(c.id)
          c.ports = []
        }
        await unplug(this.sandbox, ep, netnsPath(this.sandbox, c.id), true)
      }
      const rest = { ...c.networks }
      delete rest[n.id]
      c.networks = rest
      this.containers.save(c)
    })
    this.events.emit({ type: 'network', action: 'disconnect', id: n.id, attributes: { container: c0.id, name: n.name, type: n.driver } })
  }

  // ---- containers ----

  /** Create-time: the networks a container belongs to, from NetworkMode and EndpointsConfig. */
  membership(config: DockerConfig, hc: DockerHostConfig, endpoints: Record<string, EndpointConfig | null> | undefined): Record<string, EndpointConfig> {
    const mode = hc.NetworkMode || 'default'
    if (mode.startsWith('container:')) {
      if (linksOf(hc).length) throw invalid('conflicting options: container type network can\'t be used with links. This would result in undefined behavior')
      if (config.MacAddress) throw invalid('conflicting options: mac-address and the network mode')
      if ((hc.Dns as string[] | undefined)?.length) throw invalid('conflicting options: dns and the network mode')
      if ((hc.ExtraHosts as string[] | undefined)?.length) throw invalid('conflicting options: custom host-to-IP mapping and the network mode')
      return {}
    }
    const primaryName = mode === 'default' ? 'bridge' : mode
    const out: Record<string, EndpointConfig> = {}
    const given = Object.entries(endpoints ?? {})
    const forPrimary = given.find(([k]) => k === mode || k === primaryName || (mode === 'default' && k === 'default'))?.[1] ?? {}
    const primary = this.registry.resolve(primaryName)
    if (primary.driver === 'host' && linksOf(hc).length) throw invalid('conflicting options: host type networking can\'t be used with links. This would result in undefined behavior')
    const macFromConfig = typeof config.MacAddress === 'string' && config.MacAddress ? config.MacAddress : undefined
    out[primary.id] = this.normalizeEndpoint(primary, { ...forPrimary, MacAddress: forPrimary.MacAddress || macFromConfig })
    for (const [k, cfg] of given) {
      if (k === mode || k === primaryName || k === 'default') continue
      const n = this.registry.resolve(k)
      if (n.driver === 'host' || n.driver === 'null' || primary.driver === 'host' || primary.driver === 'null')
        throw invalid('conflicting options: host and none networks cannot be combined with other networks')
      out[n.id] = this.normalizeEndpoint(n, cfg ?? {})
    }
    for (const [id, cfg] of Object.entries(out)) bandwidthOf(this.registry.get(id)!, config.Labels, cfg)
    if (primary.builtin && primary.driver === 'bridge')
      for (const l of parseLinks(linksOf(hc))) if (!this.findContainer(l.target)) throw new BerthError('not-found', `could not get container for ${l.target}`)
    return out
  }

  private normalizeEndpoint(n: NetworkRecord, cfg: EndpointConfig): EndpointConfig {
    this.checkEndpointConfig(n, cfg)
    bandwidthOf(n, undefined, cfg)
    const out: EndpointConfig = {}
    if (cfg.Aliases?.length) out.Aliases = cfg.Aliases
    if (cfg.Links?.length) out.Links = cfg.Links
    const { IPv4Address, IPv6Address } = cfg.IPAMConfig ?? {}
    if (IPv4Address || IPv6Address) out.IPAMConfig = { ...(IPv4Address ? { IPv4Address } : {}), ...(IPv6Address ? { IPv6Address } : {}) }
    if (cfg.MacAddress) out.MacAddress = cfg.MacAddress
    if (cfg.DriverOpts && Object.keys(cfg.DriverOpts).length) out.DriverOpts = cfg.DriverOpts
    return out
  }

  private checkEndpointConfig(n: NetworkRecord, cfg: EndpointConfig): void {
    if (cfg.Aliases?.length && n.builtin)
      throw invalid('network-scoped alias is supported only for containers in user defined networks')
    const ip = cfg.IPAMConfig?.IPv4Address
    if (ip) {
      if (n.builtin || n.autoSubnet) throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets')
      const pool = primaryPool(n)!
      const addr = parseIp(ip)
      if (!(addr >= pool.subnet.base && addr < pool.subnet.base + 2 ** (32 - pool.subnet.prefix)))
        throw invalid(`no configured subnet or ip-range contain the IP address ${ip}`)
    }
    const ip6 = cfg.IPAMConfig?.IPv6Address
    if (ip6) {
      // Go's rule: not unspecified, and not an IPv4(-mapped) address
      if (!isIpv6(ip6) || parseIp6(ip6) === 0n || parseIp6(ip6) >> 32n === 0xffffn) throw invalid(`invalid IPv6 address: ${ip6}`)
      const pool = primaryPool6(n)
      // Docker's words for a network without a user-given IPv6 subnet, IPv6 or not
      if (!pool || n.builtin || n.autoSubnet6) throw invalid('user specified IP address is supported only when connecting to networks with user configured subnets')
      if (!contains6(pool.subnet, parseIp6(ip6))) throw invalid(`no configured subnet or ip-range contain the IP address ${ip6}`)
    }
    if (cfg.MacAddress && !/^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(cfg.MacAddress)) throw invalid(`invalid MAC address: ${cfg.MacAddress}`)
  }

  private findContainer(ref: string): ContainerRecord | undefined {
    try {
      return this.containers.find(ref)
    } catch {
      return undefined // an ambiguous prefix names nothing
    }
  }

  /** Whether the container has a namespace of its own that berth made (not host, not container:X). */
  ownsSandbox(c: ContainerRecord): boolean {
    const mode = c.hostConfig.NetworkMode || 'default'
    if (mode.startsWith('container:')) return false
    return !Object.keys(c.networks ?? {}).some((id) => this.registry.get(id)?.driver === 'host')
  }

  /** Start of a run: the sandbox, link variables, and the /etc files that depend on addresses. */
  async startRun(c: ContainerRecord, hostResolv: string): Promise<RunNetwork> {
    if (!this.ownsSandbox(c)) {
      const hostMode = !(c.hostConfig.NetworkMode || '').startsWith('container:')
      return hostMode ? { env: [], resolvConf: this.resolvFor(c, hostResolv, true, undefined), hosts: this.hostsFor(c, [], []) } : { env: [] }
    }
    const links = this.legacyLinks(c)
    const netns = await setup(this.sandbox, c)
    const eps = this.repo.endpointsFor(c.id)
    const embedded = eps.map((e) => this.registry.get(e.networkId)).find((n) => n && isUserBridge(n))
    const env = links.flatMap(({ link, target, ip }) => linkEnv(link, c, target, ip))
    const linkLines = links.map(({ link, target, ip }) => linkHostsLine(link, target, ip))
    await this.refreshLinkers(c, eps)
    return {
      netns,
      env,
      hosts: this.hostsFor(c, ownAddresses(eps), linkLines),
      resolvConf: this.resolvFor(c, hostResolv, false, embedded ? formatIp(primaryPool(embedded)!.gateway) : undefined),
    }
  }

  /** End of a run (stop, crash, failed start): everything of the sandbox goes. */
  async endRun(c: ContainerRecord): Promise<void> {
    if (!this.ownsSandbox(c)) return
    await teardown(this.sandbox, c)
  }

  /** Legacy links on the default bridge: each target must run (Docker refuses the start otherwise). */
  private legacyLinks(c: ContainerRecord) {
    const bridgeId = this.registry.find('bridge')?.id
    if (!bridgeId || !c.networks?.[bridgeId]) return []
    return parseLinks(linksOf(c.hostConfig)).map((link) => {
      const target = this.findContainer(link.target)
      const ep = target && isRunning(target) ? this.endpointFor(bridgeId, target.id) : undefined
      if (!target || !ep) throw new BerthError('conflict', `Cannot link to a non running container: /${link.target} AS /${c.name}/${link.alias}`)
      return { link, target, ip: ep.ip }
    })
  }

  /** Containers linking to `c` on the default bridge see its new address in their hosts file. */
  private async refreshLinkers(c: ContainerRecord, eps: readonly EndpointRecord[]): Promise<void> {
    const bridgeId = this.registry.find('bridge')?.id
    const mine = eps.find((e) => e.networkId === bridgeId)
    if (!mine) return
    for (const other of this.containers.all()) {
      if (other.id === c.id || !isRunning(other)) continue
      const hits = parseLinks(linksOf(other.hostConfig)).filter((l) => l.target === c.name || c.id.startsWith(l.target))
      if (hits.length === 0) continue
      const lines = parseLinks(linksOf(other.hostConfig)).flatMap((l) => {
        const t = this.findContainer(l.target)
        const ep = t && (t.id === c.id ? mine : this.endpointFor(bridgeId!, t.id))
        return t && ep ? [linkHostsLine(l, t, ep.ip)] : []
      })
      const ips = ownAddresses(this.repo.endpointsFor(other.id))
      // In place: the running container has this very inode bind-mounted.
      await writeFile(this.opts.hostsPathOf(other.id), this.hostsFor(other, ips, lines)).catch(() => undefined)
    }
  }

  private hostsFor(c: ContainerRecord, ips: string[], linkLines: string[]): string {
    const extra = ((c.hostConfig.ExtraHosts as string[] | null | undefined) ?? []).map((h) => {
      const sep = h.indexOf(':') >= 0 && h.indexOf('=') < 0 ? h.indexOf(':') : h.indexOf('=')
      const name = h.slice(0, sep)
      let ip = h.slice(sep + 1)
      if (ip === 'host-gateway') ip = this.defaultGateway() ?? ip
      return `${ip}\t${name}`
    })
    return hostsFile({ hostname: c.config.Hostname, domainname: c.config.Domainname, ips, extra: [...extra, ...linkLines] })
  }

  private resolvFor(c: ContainerRecord, hostResolv: string, hostNetwork: boolean, embedded: string | undefined): string {
    const list = (v: unknown) => (Array.isArray(v) ? (v as string[]) : [])
    return resolvConf(hostResolv, { hostNetwork, embedded, dns: list(c.hostConfig.Dns), search: list(c.hostConfig.DnsSearch), options: list(c.hostConfig.DnsOptions) })
  }

  /** `host-gateway`: the default bridge's address. */
  defaultGateway(): string | undefined {
    const n = this.registry.find('bridge')
    const p = n && primaryPool(n)
    return p ? formatIp(p.gateway) : undefined
  }

  /** Create-time checks of published ports (bad numbers fail `create`, not `start`). */
  checkPorts(hc: DockerHostConfig, config: DockerConfig): void {
    portRequests(hc.PortBindings as Parameters<typeof portRequests>[0], !!hc.PublishAllPorts, config.ExposedPorts)
  }

  // ---- internals ----

  private async ensureBridgeOf(n: NetworkRecord): Promise<void> {
    const pool = primaryPool(n)
    if (!pool || !n.bridge) return
    const mtu = Number(n.options['com.docker.network.driver.mtu']) || undefined
    const pool6 = primaryPool6(n)
    await ensureBridge({
      name: n.bridge, gateway: formatIp(pool.gateway), prefix: pool.subnet.prefix, mtu: mtu === 1500 ? undefined : mtu,
      ...(pool6 ? { gateway6: formatIp6(pool6.gateway), prefix6: pool6.subnet.prefix } : {}),
    })
  }

  private async listenDns(n: NetworkRecord): Promise<void> {
    const pool = primaryPool(n)
    if (!pool) return
    await this.dns.listen(formatIp(pool.gateway)).catch((e: unknown) => log.warn('embedded DNS not available on this network', { network: n.name, error: String(e) }))
  }

  private firewallState(): FirewallState {
    const networks = this.registry
      .all()
      .filter((n) => n.driver === 'bridge' && n.bridge && primaryPool(n))
      .map((n) => {
        const pool6 = primaryPool6(n)
        return { bridge: n.bridge!, subnet: formatCidr(primaryPool(n)!.subnet), internal: n.internal, ...(pool6 ? { subnet6: formatCidr6(pool6.subnet) } : {}) }
      })
    const ports = this.containers
      .all()
      .filter((c) => isRunning(c) && c.ports?.length)
      .flatMap((c) => firewallPorts(c.ports!, publishingEndpoint(this.sandbox, this.repo.endpointsFor(c.id))))
    return { networks, ports }
  }
}


/** The hosts-file addresses of a container's own name: its first endpoint's, as Docker writes them. */
const ownAddresses = (eps: readonly EndpointRecord[]): string[] => (eps[0] ? addressesOf(eps[0]) : [])

