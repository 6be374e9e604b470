// IPv6 arithmetic for IPAM: addresses as unsigned 128-bit BigInts, CIDRs, overlap and allocation.
// Pure functions; errors are `invalid` with the offending text. Addresses are printed in the
// canonical form of RFC 5952 (lower case, no leading zeros, the longest run of two or more zero
// groups as `::`), which is also what Go's net/netip prints, so Docker clients see the same text.
import { invalid } from '../lib/errors.js'

export interface Cidr6 {
  /** network address (host bits cleared) */
  base: bigint
  prefix: number
}

const ALL = (1n << 128n) - 1n

/** The 8 groups of an address, or undefined when `text` is not one (no zone IDs: `%eth0`). */
function groupsOf(text: string): number[] | undefined {
  let s = text
  const tail: number[] = []
  // An IPv4 dotted quad may stand for the last two groups (::ffff:10.0.0.1).
  const quad = /^(.*:)(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s)
  if (quad) {
    const b = quad.slice(2).map((x) => (x.length > 1 && x.startsWith('0') ? NaN : Number(x)))
    if (b.some((x) => !(x <= 255))) return undefined
    tail.push((b[0]! << 8) | b[1]!, (b[2]! << 8) | b[3]!)
    s = quad[1]!.endsWith('::') ? quad[1]! : quad[1]!.slice(0, -1)
  }
  const halves = s.split('::')
  if (halves.length > 2) return undefined
  const part = (h: string) => (h === '' ? [] : h.split(':'))
  const head = part(halves[0]!)
  const rest = halves.length === 2 ? part(halves[1]!) : []
  if ([...head, ...rest].some((g) => !/^[0-9a-fA-F]{1,4}$/.test(g))) return undefined
  const given = head.length + rest.length + tail.length
  if (halves.length === 2 ? given > 7 : given !== 8) return undefined
  const zeros = new Array<number>(8 - given).fill(0)
  return [...head.map((g) => parseInt(g, 16)), ...zeros, ...rest.map((g) => parseInt(g, 16)), ...tail]
}

export function parseIp6(text: string): bigint {
  const groups = groupsOf(text)
  if (!groups) throw invalid(`invalid IPv6 address: ${text}`)
  return groups.reduce((n, g) => (n << 16n) | BigInt(g), 0n)
}

export const isIpv6 = (text: string): boolean => groupsOf(text) !== undefined

export function formatIp6(n: bigint): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((n >> BigInt(112 - 16 * i)) & 0xffffn))
  // IPv4-mapped addresses keep their dotted tail, as Go prints them.
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff)
    return `::ffff:${[groups[6]! >> 8, groups[6]! & 255, groups[7]! >> 8, groups[7]! & 255].join('.')}`
  let best = { at: -1, len: 1 }
  for (let i = 0; i < 8; ) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > best.len) best = { at: i, len: j - i }
    i = j === i ? i + 1 : j
  }
  const hex = (gs: number[]) => gs.map((g) => g.toString(16)).join(':')
  if (best.at < 0) return hex(groups)
  return `${hex(groups.slice(0, best.at))}::${hex(groups.slice(best.at + best.len))}`
}

const maskOf = (prefix: number): bigint => (prefix === 0 ? 0n : (ALL << BigInt(128 - prefix)) & ALL)

/** `fd00:1::/64`; host bits set (`fd00:1::5/64`) are cleared, as berth does for IPv4 --subnet. */
export function parseCidr6(text: string): Cidr6 {
  const m = /^([^/]+)\/(\d{1,3})$/.exec(text)
  if (!m || Number(m[2]) > 128 || !isIpv6(m[1]!)) throw invalid(`invalid CIDR address: ${text}`)
  const prefix = Number(m[2])
  return { base: parseIp6(m[1]!) & maskOf(prefix), prefix }
}

export const formatCidr6 = (c: Cidr6): string => `${formatIp6(c.base)}/${c.prefix}`
export const lastOf6 = (c: Cidr6): bigint => c.base | (~maskOf(c.prefix) & ALL)
export const contains6 = (c: Cidr6, ip: bigint): boolean => ip >= c.base && ip <= lastOf6(c)
export const overlaps6 = (a: Cidr6, b: Cidr6): boolean => a.base <= lastOf6(b) && b.base <= lastOf6(a)

/**
 * The lowest free address of `range` (default: the whole subnet) that is not the subnet's
 * Subnet-Router anycast address (its first, RFC 4291 2.6.1) and not in `taken`; undefined when
 * the range is full. IPv6 has no broadcast address to skip.
 */
export function firstFree6(subnet: Cidr6, taken: ReadonlySet<bigint>, range: Cidr6 = subnet): bigint | undefined {
  const lo = range.base > subnet.base ? range.base : subnet.base + (subnet.prefix < 127 ? 1n : 0n)
  const hi = lastOf6(range) < lastOf6(subnet) ? lastOf6(range) : lastOf6(subnet)
  // at most |taken| + 1 steps: every step past the first skips a taken address
  for (let ip = lo; ip <= hi; ip++) if (!taken.has(ip)) return ip
  return undefined
}

/**
 * A unique local /64 (RFC 4193, fdXX:XXXX:XXXX:XXXX::/64) from 7 random bytes, e.g. from
 * crypto.randomBytes(7): the global ID and subnet ID are the bytes after the fd.
 */
export function ulaSubnet(random: Uint8Array): Cidr6 {
  if (random.length < 7) throw new RangeError('ulaSubnet needs 7 random bytes')
  let base = 0xfdn
  for (const b of random.subarray(0, 7)) base = (base << 8n) | BigInt(b)
  return { base: base << 64n, prefix: 64 }
}

/** `ip6.arpa` name of an address: 32 nibbles, least significant first. */
export const reverseName6 = (ip: bigint): string =>
  Array.from({ length: 32 }, (_, i) => Number((ip >> BigInt(4 * i)) & 0xfn).toString(16)).join('.') + '.ip6.arpa'
