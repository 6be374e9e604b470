// Where a registry is reached and how: Docker's endpoint rules. A registry is "secure" (https,
// verified) unless it is listed in --insecure-registry (a host[:port] or a CIDR) or resolves to
// 127.0.0.0/8 (`localhost` included), as dockerd decides. An insecure registry is tried over
// https without verification first, then over plain http. Per-registry TLS material comes from
// <certs dir>/<host[:port]>/: *.crt are extra CAs (ca.crt by convention), client.cert + client.key
// a client certificate. Docker reads /etc/docker/certs.d; berth reads /etc/berth/certs.d unless
// berthd's --registry-certs-dir says otherwise. Files are read at each pull, so a CA dropped in
// place works without a restart.
import { readdir, readFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { join } from 'node:path'
import { BerthError } from '../lib/errors.js'

export const DEFAULT_CERTS_DIR = '/etc/berth/certs.d'
/** Docker Hub's image domain and the host its registry API answers on. */
export const HUB_DOMAIN = 'docker.io'
export const HUB_REGISTRY = 'registry-1.docker.io'

export interface RegistryPolicy {
  /** --insecure-registry values: `host[:port]` or a CIDR such as 10.0.0.0/8. */
  insecureRegistries: string[]
  /** --registry-certs-dir */
  certsDir: string
}

export interface Endpoint {
  /** `https://registry-1.docker.io`, `http://127.0.0.1:5000` */
  origin: string
  /** The host[:port] the certs dir is keyed on. */
  host: string
  tls?: TlsMaterial
}

export interface TlsMaterial {
  /** false: an insecure registry's certificate is not checked. */
  verify: boolean
  ca?: Buffer[]
  cert?: Buffer
  key?: Buffer
}

/** The host[:port] serving a reference's domain (docker.io is served by registry-1.docker.io). */
export const registryHost = (domain: string): string => (domain === HUB_DOMAIN ? HUB_REGISTRY : domain)

/** Checks --insecure-registry values at daemon start (Docker refuses a scheme, as here). */
export function checkInsecureRegistry(value: string): string {
  if (/^[a-z]+:\/\//i.test(value)) throw new BerthError('invalid', `insecure registry ${value} should not contain '://'`)
  if (value.includes('/') && !parseCidr(value)) throw new BerthError('invalid', `insecure registry ${value} is not a valid CIDR or host`)
  return value
}

function parseCidr(s: string): { base: number; bits: number } | undefined {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/(\d+)$/.exec(s)
  if (!m || Number(m[5]) > 32) return undefined
  const parts = m.slice(1, 5).map(Number)
  if (parts.some((p) => p > 255)) return undefined
  return { base: ipv4ToInt(parts.join('.')), bits: Number(m[5]) }
}

const ipv4ToInt = (ip: string): number => ip.split('.').reduce((n, p) => n * 256 + Number(p), 0)

const inCidr = (ip: string, c: { base: number; bits: number }): boolean => {
  if (isIP(ip) !== 4) return false
  const mask = c.bits === 0 ? 0 : 2 ** 32 - 2 ** (32 - c.bits)
  return ((ipv4ToInt(ip) & mask) >>> 0) === ((c.base & mask) >>> 0)
}

const hostname = (host: string): string => (host.startsWith('[') ? host.slice(1, host.indexOf(']')) : host.replace(/:\d+$/, ''))

/** Docker's rule for plain http and unverified TLS. Names other than localhost are not resolved. */
export function isInsecure(host: string, policy: RegistryPolicy): boolean {
  const name = hostname(host)
  const cidrs = ['127.0.0.0/8', ...policy.insecureRegistries].map(parseCidr).filter((c) => c !== undefined)
  if (policy.insecureRegistries.includes(host) || policy.insecureRegistries.includes(name)) return true
  if (name === 'localhost' || name === '::1') return true
  return cidrs.some((c) => inCidr(name, c))
}

async function readTls(dir: string, verify: boolean): Promise<TlsMaterial> {
  const names = await readdir(dir).catch(() => [] as string[])
  const ca: Buffer[] = []
  const out: TlsMaterial = { verify }
  for (const n of names.sort()) {
    if (n.endsWith('.crt')) ca.push(await readFile(join(dir, n)))
  }
  if (ca.length > 0) out.ca = ca
  if (names.includes('client.cert')) {
    if (!names.includes('client.key')) throw new BerthError('invalid', `missing key client.key for client certificate client.cert in ${dir}`)
    out.cert = await readFile(join(dir, 'client.cert'))
    out.key = await readFile(join(dir, 'client.key'))
  }
  return out
}

/** The endpoints to try for `domain`, in order. */
export async function endpointsFor(domain: string, policy: RegistryPolicy): Promise<Endpoint[]> {
  const host = registryHost(domain)
  const insecure = isInsecure(host, policy)
  const tls = await readTls(join(policy.certsDir, host), !insecure)
  const secure: Endpoint = { origin: `https://${host}`, host, tls }
  return insecure ? [secure, { origin: `http://${host}`, host }] : [secure]
}
