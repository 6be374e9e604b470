// The bridge driver's host work: the Linux bridge of a network, and a veth pair per container
// endpoint. The host side is one `ip -batch` (the peer is created straight inside the sandbox);
// the sandbox side is configured by ioctl from berthd itself (sys/netdev.ts), with no process.
// IPv6 (an --ipv6 network) adds the gateway's address to the bridge and one address and default
// route per endpoint; duplicate address detection is off for both (the addresses come from IPAM,
// and DAD would leave them unusable for a second or two after each start).
import { writeFile } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { run } from '../sys/exec.js'
import { existsSync } from 'node:fs'
import { inNetns } from '../sys/netns.js'
import { closeFd, openFd } from '../sys/ffi.js'
import { createVeth, deleteLink, setHairpin } from '../sys/rtnetlink.js'
import { interfaceExists, interfaceIndex, setNetSysctl, withNetdev } from '../sys/netdev.js'
import { macFor, parseIp } from './ipv4.js'
import { parseIp6 } from './ipv6.js'
import { BerthError } from '../lib/errors.js'

async function ipBatch(lines: string[]): Promise<void> {
  const r = await run('ip', ['-batch', '-'], { input: lines.join('\n') + '\n' })
  if (r.code !== 0) throw new Error(`ip: ${r.stderr.trim().replace(/\s*Command failed -:\d+$/, '') || `exit status ${r.code}`}`)
}

const sysctl = (path: string, value: string) => writeFile(`/proc/sys/net/${path}`, value)

/** Whether an existing device is a Linux bridge (`-o com.docker.network.bridge.name` may name any device). */
async function isBridge(name: string): Promise<boolean> {
  const r = await run('ip', ['-d', '-j', 'link', 'show', 'dev', name])
  if (r.code !== 0) throw new Error(`ip link show ${name}: ${r.stderr.trim() || `exit status ${r.code}`}`)
  const [link] = JSON.parse(r.stdout) as Array<{ linkinfo?: { info_kind?: string } }>
  return link?.linkinfo?.info_kind === 'bridge'
}

export interface BridgeSpec {
  name: string
  gateway: string
  prefix: number
  mtu?: number
  /** IPv6 networks: the gateway's IPv6 address and its subnet's prefix length */
  gateway6?: string
  prefix6?: number
}

/** Creates the bridge when missing (or after a reboot) and gives it the gateway address(es). */
export async function ensureBridge(opts: BridgeSpec): Promise<void> {
  const lines: string[] = []
  // A fixed address: left unset, a bridge takes the lowest address of its ports and changes it as
  // containers come and go, and every other container's ARP entry for the gateway goes stale
  // (its DNS and outside traffic stop for seconds). Docker sets one too.
  const mac = macFor(parseIp(opts.gateway))
  if (!interfaceExists(opts.name)) lines.push(`link add ${opts.name}${opts.mtu ? ` mtu ${opts.mtu}` : ''} address ${mac} type bridge`)
  // Docker's words; never address, raise or later delete a device the network does not own.
  else if (!(await isBridge(opts.name))) throw new BerthError('conflict', `existing interface ${opts.name} is not a bridge`)
  if (opts.gateway6) {
    if (!existsSync('/proc/sys/net/ipv6')) throw new BerthError('unavailable', `IPv6 network on bridge ${opts.name}: the kernel has no IPv6 (ipv6.disable=1?)`)
    // A new bridge takes the namespace's default disable_ipv6, which may be 1: create it first,
    // enable IPv6 on it, then address it.
    if (lines.length) await ipBatch(lines.splice(0))
    await sysctl(`ipv6/conf/${opts.name}/disable_ipv6`, '0')
    lines.push(`addr replace ${opts.gateway6}/${opts.prefix6} dev ${opts.name} nodad`)
  }
  lines.push(`addr replace ${opts.gateway}/${opts.prefix} dev ${opts.name}`, `link set ${opts.name} up`)
  await ipBatch(lines)
  await sysctl('ipv4/ip_forward', '1')
  // Docker does the same for an IPv6 network. (A host that takes its own IPv6 route from router
  // advertisements then needs accept_ra=2 on that interface, as with Docker.)
  if (opts.gateway6) await sysctl('ipv6/conf/all/forwarding', '1')
  // Publishing on 127.0.0.1 DNATs loopback traffic out of the bridge (firewall.ts masquerades it).
  await sysctl(`ipv4/conf/${opts.name}/route_localnet`, '1')
}

export async function deleteBridge(name: string): Promise<void> {
  if (interfaceExists(name) && (await isBridge(name))) await ipBatch([`link del ${name}`])
}

export const newHostIfName = () => `veth${randomBytes(4).toString('hex').slice(0, 7)}`

export interface VethEndpoint {
  /** the pinned sandbox namespace */
  netns: string
  bridge: string
  hostIf: string
  ifName: string
  mac: string
  ip: string
  prefix: number
  gateway: string
  mtu?: number
  /** the first network of a container carries its default route */
  defaultRoute: boolean
  /** IPv6 networks: the endpoint's address, its prefix length and the gateway */
  ip6?: string
  prefix6?: number
  gateway6?: string
  /** the first IPv6 network of a container carries its IPv6 default route */
  defaultRoute6?: boolean
}

export async function attachVeth(e: VethEndpoint): Promise<void> {
  // Interfaces take the namespace's default when they are made: set it before the peer exists.
  if (e.ip6) inNetns(e.netns, () => setNetSysctl('ipv6/conf/default/accept_dad', '0'))
  // rtnetlink from berthd: the peer is born inside the sandbox, the host end enslaved and up.
  const nsFd = openFd(e.netns)
  try {
    createVeth({ hostIf: e.hostIf, masterIndex: interfaceIndex(e.bridge), peerName: e.ifName, peerMac: e.mac, peerNetnsFd: nsFd, mtu: e.mtu })
  } finally {
    closeFd(nsFd)
  }
  // A container reaching its own published port comes back through the same bridge port.
  setHairpin(interfaceIndex(e.hostIf))
  inNetns(e.netns, () =>
    withNetdev((s) => {
      s.address(e.ifName, parseIp(e.ip), e.prefix)
      s.up(e.ifName)
      if (e.defaultRoute) s.defaultRoute(parseIp(e.gateway))
      // after `up`: the kernel refuses a route through a device that is down
      if (e.ip6) s.address6(e.ifName, parseIp6(e.ip6), e.prefix6!)
      if (e.ip6 && e.defaultRoute6) s.defaultRoute6(e.ifName, parseIp6(e.gateway6!))
    }),
  )
}

/** Live disconnect: deleting the host side removes the container's interface too. */
export async function detachVeth(hostIf: string): Promise<void> {
  if (interfaceExists(hostIf)) deleteLink(hostIf)
}

/** A sandbox's loopback, up as Docker leaves it. */
export function loopbackUp(netns: string): void {
  inNetns(netns, () => withNetdev((s) => s.up('lo')))
}

/** Rates in tc's words: 10mbit, 512kbit, 1gbit, 100kbps… */
export const RATE_RE = /^\d+(\.\d+)?(bit|kbit|mbit|gbit|tbit|bps|kbps|mbps|gbps)$/i

export interface Bandwidth {
  /** towards the container (the host side's egress) */
  ingress?: string
  /** from the container (the container side's egress) */
  egress?: string
}

const tbf = (dev: string, rate: string) => `qdisc replace dev ${dev} root tbf rate ${rate} burst 32kbit latency 50ms`

async function tcBatch(lines: string[], netns?: string): Promise<void> {
  const r = await run('tc', ['-batch', '-'], { input: lines.join('\n') + '\n', netns })
  if (r.code !== 0) throw new Error(`tc: ${r.stderr.trim() || `exit status ${r.code}`}`)
}

/** Noisy neighbours: a token bucket on each side of the veth pair that carries a limit. */
export async function shapeVeth(e: Pick<VethEndpoint, 'hostIf' | 'ifName' | 'netns'>, bw: Bandwidth): Promise<void> {
  await Promise.all([
    bw.ingress ? tcBatch([tbf(e.hostIf, bw.ingress)]) : undefined,
    bw.egress ? tcBatch([tbf(e.ifName, bw.egress)], e.netns) : undefined,
  ])
}
