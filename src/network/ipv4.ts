// IPv4 arithmetic for IPAM: addresses as unsigned 32-bit numbers, CIDRs, overlap and allocation.
// Pure functions; errors are `invalid` with the offending text.
import { invalid } from '../lib/errors.js'

export interface Cidr {
  /** network address (host bits cleared) */
  base: number
  prefix: number
}

export function parseIp(text: string): number {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text)
  if (!m) throw invalid(`invalid IP address: ${text}`)
  const parts = m.slice(1).map(Number)
  if (parts.some((p) => p > 255)) throw invalid(`invalid IP address: ${text}`)
  return ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0
}

export const isIpv4 = (text: string): boolean => {
  try {
    parseIp(text)
    return true
  } catch {
    return false
  }
}

export const formatIp = (n: number): string => [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.')

const maskOf = (prefix: number): number => (prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0)

/** `10.1.0.0/16`; host bits set (`10.1.2.3/16`) are cleared, as Docker does for --subnet. */
export function parseCidr(text: string): Cidr {
  const m = /^([0-9.]+)\/(\d{1,2})$/.exec(text)
  if (!m || Number(m[2]) > 32 || !isIpv4(m[1]!)) throw invalid(`invalid CIDR address: ${text}`)
  const prefix = Number(m[2])
  return { base: (parseIp(m[1]!) & maskOf(prefix)) >>> 0, prefix }
}

export const formatCidr = (c: Cidr): string => `${formatIp(c.base)}/${c.prefix}`
export const sizeOf = (c: Cidr): number => 2 ** (32 - c.prefix)
export const lastOf = (c: Cidr): number => c.base + sizeOf(c) - 1
export const contains = (c: Cidr, ip: number): boolean => ip >= c.base && ip <= lastOf(c)
export const overlaps = (a: Cidr, b: Cidr): boolean => a.base <= lastOf(b) && b.base <= lastOf(a)
export const netmask = (prefix: number): string => formatIp(maskOf(prefix))

/**
 * The lowest free address of `range` (default: the whole subnet) that is not the subnet's
 * network or broadcast address and not in `taken`; undefined when the range is full.
 */
export function firstFree(subnet: Cidr, taken: ReadonlySet<number>, range: Cidr = subnet): number | undefined {
  const lo = Math.max(range.base, subnet.base + (subnet.prefix < 31 ? 1 : 0))
  const hi = Math.min(lastOf(range), lastOf(subnet) - (subnet.prefix < 31 ? 1 : 0))
  for (let ip = lo; ip <= hi; ip++) if (!taken.has(ip)) return ip
  return undefined
}

/** Docker-style locally administered MAC derived from the IP: 02:42:a.b.c.d in hex. */
export const macFor = (ip: number): string =>
  ['02', '42', ...[ip >>> 24, (ip >>> 16) & 255, (ip >>> 8) & 255, ip & 255].map((b) => b.toString(16).padStart(2, '0'))].join(':')

export function isValidMac(mac: string): boolean {
  return /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/i.test(mac)
}

/**
 * Default address pools, in Docker's order: 172.17-31.0.0/16, then 192.168.0-240.0/20. The first
 * one that overlaps nothing in `used` (routes of the host, other networks) is chosen.
 */
export function pickSubnet(used: readonly Cidr[]): Cidr | undefined {
  const candidates: Cidr[] = []
  for (let b = 17; b <= 31; b++) candidates.push({ base: parseIp(`172.${b}.0.0`), prefix: 16 })
  for (let c = 0; c <= 240; c += 16) candidates.push({ base: parseIp(`192.168.${c}.0`), prefix: 20 })
  return candidates.find((cand) => !used.some((u) => overlaps(cand, u)))
}
