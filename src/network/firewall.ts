// berth's nftables table: publishing (DNAT through verdict-free maps keyed by address, protocol
// and port), masquerade, isolation between networks. The table is derived state: `sync` rewrites
// it whole from the engine's records in one atomic transaction (daemon start, network create and
// remove); a container's ports are element inserts and deletes, never new rules.
import { run } from '../sys/exec.js'
import { log } from '../lib/log.js'
import { syncForwardAccepts } from './forward-accept.js'

export interface FirewallNetwork {
  bridge: string
  subnet: string
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

/** The whole table as an `nft -f` script that replaces any previous version atomically. */
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
  const internal = s.networks
    .filter((n) => n.internal)
    .flatMap((n) => [`    iifname ${q(n.bridge)} oifname != ${q(n.bridge)} drop`, `    oifname ${q(n.bridge)} iifname != ${q(n.bridge)} drop`])
  const isolation = s.networks.map((n) => `    iifname ${q(n.bridge)} oifname != ${q(n.bridge)} oifname @bridges drop`)
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
    ...internal,
    '    ct status dnat accept',
    ...isolation,
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

  constructor(
    readonly table: string,
    private readonly state: () => FirewallState,
  ) {}

  /** Rewrites the table from the engine's records (and the ACCEPTs another engine's DROP policy needs). */
  sync(): Promise<void> {
    return this.serial(async () => {
      const state = this.state()
      await this.apply(renderTable(this.table, state))
      await syncForwardAccepts(state.networks.map((n) => n.bridge))
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
        await this.apply(renderTable(this.table, this.state()))
      }
    })
  }

  /** Removes the table (tests and `--iptables=false`-like teardown). */
  drop(): Promise<void> {
    return this.serial(() => this.apply(`add table ip ${this.table}\ndelete table ip ${this.table}\n`))
  }

  private async apply(script: string): Promise<void> {
    const r = await run('nft', ['-f', '-'], { input: script })
    if (r.code !== 0) throw new Error(`nft: ${r.stderr.trim() || `exit status ${r.code}`}`)
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn)
    this.queue = next.catch(() => undefined)
    return next
  }
}
