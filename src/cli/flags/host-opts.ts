// --dns, --dns-search and --add-host: checked at flag time and rewritten before they are sent,
// as docker's opts.ValidateIPAddress, ValidateDNSSearch and ValidateExtraHost do (so `--dns`
// 0:0::1 is sent as ::1 and `--add-host h=1.2.3.4` as h:1.2.3.4).
import { ipString, isV4, parseIP } from './ip.js'

export function canonicalDnsServer(value: string): string {
  const ip = parseIP(value.trim())
  if (!ip) throw new Error(`IP address is not correctly formatted: ${value}`)
  return ipString(ip)
}

// docker's regexps, `(:?` groups included: group 1 is the domain without a trailing dot
const DOMAIN = /^(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9]))(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])))*)\.?\s*$/

/** A search domain; `.` stands for none. */
export function dnsSearchDomain(value: string): string {
  const v = value.replace(/^ +| +$/g, '')
  if (v === '.') return v
  const m = /[a-zA-Z]/.test(v) ? DOMAIN.exec(v) : null
  if (m && m[1]!.length < 255) return m[1]!
  throw new Error(`${v} is not a valid domain`)
}

/** `host:ip`, `host=ip` or `host=[v6]`, sent as `host:ip`; `host-gateway` passes unchecked. */
export function extraHost(value: string): string {
  let sep = value.indexOf('=')
  if (sep < 0) sep = value.indexOf(':')
  const host = sep < 0 ? '' : value.slice(0, sep)
  let ip = sep < 0 ? '' : value.slice(sep + 1)
  if (sep < 0 || host === '' || host.includes(':')) throw new Error(`bad format for add-host: ${JSON.stringify(value)}`)
  if (ip !== 'host-gateway') {
    if (ip.length > 2 && ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1)
    if (!parseIP(ip.trim())) throw new Error(`invalid IP address in add-host: ${JSON.stringify(ip)}`)
  }
  return `${host}:${ip}`
}

/** docker's client-side warning for a loopback --dns server (printed after the daemon's warnings). */
export function localhostDnsWarning(dns: readonly string[]): string | undefined {
  for (const d of dns) {
    const ip = parseIP(d)
    if (!ip || d.includes('%')) continue
    const loopback = isV4(ip) ? ip[12] === 127 : ip.every((b, i) => b === (i === 15 ? 1 : 0))
    if (loopback) return `Localhost DNS (${d}) may fail in containers.`
  }
  return undefined
}
