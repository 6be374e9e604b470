// IP addresses, CIDR prefixes and MAC addresses as Go's `net` package reads and prints them,
// because the docker CLI checks network flags with it before anything is sent: `--dns` values
// are rewritten to `net.IP.String()`, `--subnet`/`--gateway` are matched with `IPNet.Contains`.
// An address is 16 bytes; an IPv4 address is stored IPv4-mapped (::ffff:a.b.c.d), as Go does.

export type IP = Uint8Array

const V4_PREFIX = [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff]

function parseV4(s: string): number[] | undefined {
  const parts = s.split('.')
  if (parts.length !== 4) return undefined
  const out: number[] = []
  for (const p of parts) {
    // Go rejects empty octets, more than three digits and (since 1.17) leading zeros
    if (!/^\d{1,3}$/.test(p) || (p.length > 1 && p[0] === '0')) return undefined
    const n = Number(p)
    if (n > 255) return undefined
    out.push(n)
  }
  return out
}

function parseV6(s: string): IP | undefined {
  const ip = new Uint8Array(16)
  let ellipsis = -1
  let i = 0
  if (s.startsWith('::')) {
    ellipsis = 0
    s = s.slice(2)
    if (s === '') return ip
  }
  while (i < 16) {
    const m = /^[0-9a-fA-F]{1,4}/.exec(s)
    if (!m) return undefined
    // an embedded IPv4 address ends the text
    if (s.length > m[0].length && s[m[0].length] === '.') {
      if (ellipsis < 0 && i !== 12) return undefined
      if (i + 4 > 16) return undefined
      const v4 = parseV4(s)
      if (!v4) return undefined
      ip.set(v4, i)
      i += 4
      s = ''
      break
    }
    const n = parseInt(m[0], 16)
    ip[i] = n >> 8
    ip[i + 1] = n & 0xff
    i += 2
    s = s.slice(m[0].length)
    if (s === '') break
    if (s[0] !== ':' || s.length === 1) return undefined
    s = s.slice(1)
    if (s[0] === ':') {
      if (ellipsis >= 0) return undefined
      ellipsis = i
      s = s.slice(1)
      if (s === '') break
    }
  }
  if (s !== '') return undefined
  if (i < 16) {
    if (ellipsis < 0) return undefined
    const n = 16 - i
    for (let j = i - 1; j >= ellipsis; j--) ip[j + n] = ip[j]!
    for (let j = ellipsis + n - 1; j >= ellipsis; j--) ip[j] = 0
  } else if (ellipsis >= 0) return undefined
  return ip
}

/** net.ParseIP: undefined when `s` is not an address. */
export function parseIP(s: string): IP | undefined {
  if (s.includes(':')) return parseV6(s)
  const v4 = parseV4(s)
  return v4 ? Uint8Array.from([...V4_PREFIX, ...v4]) : undefined
}

/** ip.To4() != nil */
export const isV4 = (ip: IP): boolean => V4_PREFIX.every((b, i) => ip[i] === b)

/** net.IP.String(): dotted IPv4, else RFC 5952 (the longest run of two or more zero groups is `::`). */
export function ipString(ip: IP): string {
  if (isV4(ip)) return Array.from(ip.slice(12)).join('.')
  const groups: number[] = []
  for (let i = 0; i < 16; i += 2) groups.push((ip[i]! << 8) | ip[i + 1]!)
  let best = -1
  let bestLen = 0
  for (let i = 0; i < 8; i++) {
    let j = i
    while (j < 8 && groups[j] === 0) j++
    if (j - i > bestLen && j - i >= 2) {
      best = i
      bestLen = j - i
    }
    i = Math.max(i, j)
  }
  if (best < 0) return groups.map((g) => g.toString(16)).join(':')
  const head = groups.slice(0, best).map((g) => g.toString(16)).join(':')
  const tail = groups.slice(best + bestLen).map((g) => g.toString(16)).join(':')
  return `${head}::${tail}`
}

export interface Cidr {
  ip: IP
  /** Prefix length counted in the address's own family (0–32 for IPv4). */
  bits: number
  v4: boolean
}

/** net.ParseCIDR, with Go's error text `invalid CIDR address: <s>`. */
export function parseCIDR(s: string): Cidr {
  const bad = () => new Error(`invalid CIDR address: ${s}`)
  const slash = s.indexOf('/')
  if (slash < 0) throw bad()
  const addr = s.slice(0, slash)
  const mask = s.slice(slash + 1)
  const ip = addr.includes('%') ? undefined : parseIP(addr)
  if (!ip || !/^\d+$/.test(mask)) throw bad()
  const plainV4 = !addr.includes(':')
  const max = plainV4 ? 32 : 128
  const n = Number(mask)
  if (n > max) throw bad()
  // an IPv4-mapped prefix written in IPv6 form counts its bits over all 128
  const v4 = isV4(ip)
  return { ip, bits: v4 && !plainV4 ? Math.max(0, n - 96) : n, v4 }
}

/** IPNet.Contains: same family, and the first `bits` bits agree. */
export function cidrContains(net: Cidr, ip: IP): boolean {
  if (net.v4 !== isV4(ip)) return false
  const offset = net.v4 ? 12 : 0
  for (let bit = 0; bit < net.bits; bit++) {
    const byte = offset + (bit >> 3)
    const mask = 0x80 >> (bit & 7)
    if ((net.ip[byte]! & mask) !== (ip[byte]! & mask)) return false
  }
  return true
}

/** net.ParseMAC accepts 6-, 8- or 20-byte addresses: `aa:bb:…`, `aa-bb-…` or `aabb.ccdd.…`. */
export function isValidMAC(s: string): boolean {
  const lengths = [6, 8, 20]
  for (const sep of [':', '-']) {
    const parts = s.split(sep)
    if (parts.length > 1 && lengths.includes(parts.length) && parts.every((p) => /^[0-9a-fA-F]{2}$/.test(p))) return true
  }
  const dotted = s.split('.')
  return dotted.length > 1 && lengths.includes(dotted.length * 2) && dotted.every((p) => /^[0-9a-fA-F]{4}$/.test(p))
}
