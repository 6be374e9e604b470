// berth's nftables tables: publishing (DNAT through verdict-free maps keyed by address, protocol
// and port), masquerade, isolation between networks. The tables are derived state: `sync` rewrites
// them whole from the engine's records in one atomic transaction (daemon start, network create and
// remove); a container's ports are element inserts and deletes, never new rules.
//
// `ip <table>` carries IPv4; `ip6 <table>` (same name) masquerades the IPv6 subnets of --ipv6
// networks and isolates networks as the ip table does. Ports are published over IPv4 only.
import { existsSync } from 'node:fs'
import { nftApply } from '../sys/nftables.js'
import { log } from '../lib/log.js'
import { syncForwardAccepts } from './forward-accept.js'

export interface FirewallNetwork {
  bridge: string
  subnet: string
  /** --ipv6 networks: the IPv6 subnet */
  subnet6?: string
  internal: boolean
}

export interface FirewallPort {
  proto: 'tcp' | 'udp' | 'sctp'
  /** '' = any local address */
  hostIp: string
  hostPort: number
  /** the container's address and port */
  ip: string
  port: number
}

export interface FirewallState {
  networks: FirewallNetwork[]
  ports: FirewallPort[]
}

const q = (name: string) => JSON.stringify(name)

const key = (p: FirewallPort) => (p.hostIp ? `${p.hostIp} . ${p.proto} . ${p.hostPort}` : `${p.proto} . ${p.hostPort}`)
const element = (p: FirewallPort) => `${key(p)} : ${p.ip} . ${p.port}`
const mapOf = (p: FirewallPort) => (p.hostIp ? 'pub_addr' : 'pub_any')

/** Both tables as one `nft -f` script that replaces any previous version atomically. */
export function renderTables(table: string, s: FirewallState, opts: { ipv6: boolean }): string {
  return renderTable(table, s) + (opts.ipv6 ? renderTable6(table, s) : '')
}

/** Isolation, as the forward chains of both families apply it. */
function forwardRules(s: FirewallState): string[] {
  const q2 = (n: FirewallNetwork) => q(n.bridge)
  const internal = s.networks
    .filter((n) => n.internal)
    .flatMap((n) => [`    iifname ${q2(n)} oifname != ${q2(n)} drop`, `    oifname ${q2(n)} iifname != ${q2(n)} drop`])
  const isolation = s.networks.map((n) => `    iifname ${q2(n)} oifname != ${q2(n)} oifname @bridges drop`)
  return [...internal, '    ct status dnat accept', ...isolation]
}

/** The ip6 table: masquerade of --ipv6 subnets going out of other interfaces, and isolation. */
export function renderTable6(table: string, s: FirewallState): string {
  const elements = s.networks.length ? ` elements = { ${s.networks.map((n) => q(n.bridge)).join(', ')} };` : ''
  const masq = s.networks.filter((n) => n.subnet6 && !n.internal).map((n) => `    ip6 saddr ${n.subnet6} oifname != ${q(n.bridge)} masquerade`)
  return [
    `add table ip6 ${table}`,
    `delete table ip6 ${table}`,
    `table ip6 ${table} {`,
    `  set bridges { type ifname;${elements} }`,
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    ...masq,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...forwardRules(s),
    '  }',
    '}',
    '',
  ].join('\n')
}

/** The ip table as an `nft -f` script that replaces any previous version atomically. */
export function renderTable(table: string, s: FirewallState): string {
  const elements = (items: string[]) => (items.length ? ` elements = { ${items.join(', ')} };` : '')
  const bridges = s.networks.map((n) => q(n.bridge))
  const any = s.ports.filter((p) => !p.hostIp).map(element)
  const addr = s.ports.filter((p) => p.hostIp).map(element)
  const masq = s.networks.filter((n) => !n.internal).map((n) => `    ip saddr ${n.subnet} oifname != ${q(n.bridge)} masquerade`)
  // Hairpin: a container reaching a published port of its own bridge must get the answer back
  // through the host. With br_netfilter the packet is bridged, not routed (no input interface
  // here), so the source subnet says it.
  const hairpin = s.networks.map((n) => `    ct status dnat ip saddr ${n.subnet} oifname ${q(n.bridge)} masquerade`)
  return [
    `add table ip ${table}`,
    `delete table ip ${table}`,
    `table ip ${table} {`,
    `  set bridges { type ifname;${elements(bridges)} }`,
    `  map pub_any { type inet_proto . inet_service : ipv4_addr . inet_service;${elements(any)} }`,
    `  map pub_addr { type ipv4_addr . inet_proto . inet_service : ipv4_addr . inet_service;${elements(addr)} }`,
    '  chain dnat_local {',
    '    dnat ip to ip daddr . meta l4proto . th dport map @pub_addr',
    '    dnat ip to meta l4proto . th dport map @pub_any',
    '  }',
    '  chain prerouting {',
    '    type nat hook prerouting priority dstnat; policy accept;',
    '    fib daddr type local jump dnat_local',
    '  }',
    '  chain output {',
    '    type nat hook output priority -100; policy accept;',
    '    fib daddr type local jump dnat_local',
    '  }',
    '  chain postrouting {',
    '    type nat hook postrouting priority srcnat; policy accept;',
    // 127.0.0.1:port reaches a container only with its source rewritten (route_localnet is on).
    '    ip saddr 127.0.0.0/8 oifname @bridges masquerade',
    ...hairpin,
    ...masq,
    '  }',
    '  chain forward {',
    '    type filter hook forward priority filter; policy accept;',
    ...forwardRules(s),
    '  }',
    '  chain guard {',
    '    type filter hook prerouting priority raw; policy accept;',
    // route_localnet would otherwise let containers reach the host's loopback services.
    '    iifname @bridges ip daddr 127.0.0.0/8 drop',
    '  }',
    '}',
    '',
  ].join('\n')
}

export class Firewall {
  private queue: Promise<unknown> = Promise.resolve()
  /** Without IPv6 in the kernel there is no ip6 family to write to. */
  private readonly ipv6 = existsSync('/proc/sys/net/ipv6')
  /** whether ip6tables may hold ACCEPTs of ours (saves a spawn per sync while no network has IPv6) */
  private hasV6Accepts = false

  constructor(
    readonly table: string,
    private readonly state: () => FirewallState,
  ) {}

  /** Rewrites the tables from the engine's records (and the ACCEPTs another engine's DROP policy needs). */
  sync(): Promise<void> {
    return this.serial(async () => {
      const state = this.state()
      await this.apply(renderTables(this.table, state, { ipv6: this.ipv6 }))
      await syncForwardAccepts('iptables', state.networks.map((n) => n.bridge))
      const v6 = state.networks.filter((n) => n.subnet6).map((n) => n.bridge)
      if (this.ipv6 && (v6.length || this.hasV6Accepts)) await syncForwardAccepts('ip6tables', v6)
      this.hasV6Accepts = v6.length > 0
    })
  }

  addPorts(ports: readonly FirewallPort[]): Promise<void> {
    if (ports.length === 0) return Promise.resolve()
    return this.serial(() => this.apply(ports.map((p) => `add element ip ${this.table} ${mapOf(p)} { ${element(p)} }`).join('\n') + '\n'))
  }

  /** A delete that fails (an element already gone) falls back to a full rewrite. */
  removePorts(ports: readonly FirewallPort[]): Promise<void> {
    if (ports.length === 0) return Promise.resolve()
    return this.serial(async () => {
      const script = ports.map((p) => `delete element ip ${this.table} ${mapOf(p)} { ${key(p)} }`).join('\n') + '\n'
      try {
        await this.apply(script)
      } catch (e) {
        log.warn('firewall element delete failed; rewriting the table', { error: String(e) })
        await this.apply(renderTables(this.table, this.state(), { ipv6: this.ipv6 }))
      }
    })
  }

  /** Removes the tables (tests and `--iptables=false`-like teardown). */
  drop(): Promise<void> {
    const families = this.ipv6 ? ['ip', 'ip6'] : ['ip']
    return this.serial(() => this.apply(families.map((f) => `add table ${f} ${this.table}\ndelete table ${f} ${this.table}\n`).join('')))
  }

  private apply(script: string): Promise<void> {
    return nftApply(script)
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => undefined)
    return next
  }
}
