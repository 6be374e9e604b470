// CNI network configuration lists (CNI spec 1.0.0) for the network drivers berth does not
// implement itself: macvlan, ipvlan and any third-party plugin type. Pure: builds values, never
// reads the host (plugins.ts checks that the binaries exist).
//
// berth owns address management, so every main plugin gets `ipam: {type: "static"}` and the
// endpoint's addresses arrive per invocation as runtimeConfig `ips` (capability `ips`). The
// static plugin of containernetworking-plugins 1.1.1 reads runtimeConfig.ips (CIDR strings) from
// the stdin its parent plugin forwards, and they replace any `ipam.addresses`; a gateway cannot
// ride along, so a default route must be an explicit `routes` entry with `gw`.
import { invalid, notFound } from '../../lib/errors.js'

/** One plugin entry of a conflist: `type` plus the plugin's own fields. */
export interface PluginConf {
  type: string
  capabilities?: Record<string, boolean>
  [field: string]: unknown
}

export interface Conflist {
  cniVersion: string
  name: string
  plugins: PluginConf[]
}

export interface BandwidthLimits {
  /** bits per second */
  ingressRate?: number
  /** bits */
  ingressBurst?: number
  egressRate?: number
  egressBurst?: number
}

export interface Route {
  dst: string
  gw?: string
}

export interface NetworkSpec {
  name: string
  /** the driver: macvlan, ipvlan, or the name of any plugin binary in the CNI path */
  type: string
  /** `docker network create -o` options */
  options: Record<string, string>
  bandwidth?: BandwidthLimits
  /** routes the static IPAM plugin adds in the container (e.g. `{dst: '0.0.0.0/0', gw}`) */
  routes?: Route[]
}

export const CNI_VERSION = '1.0.0'

const MACVLAN_MODES = ['bridge', 'private', 'vepa', 'passthru']
const IPVLAN_MODES = ['l2', 'l3', 'l3s']
// CNI's network-name grammar; Docker's network names follow the same one.
const NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
// A plugin type names a file in the CNI path: no slashes, no "..".
const PLUGIN_TYPE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/

export function buildConflist(spec: NetworkSpec): Conflist {
  if (!NAME.test(spec.name)) throw invalid(`invalid network name "${spec.name}" for CNI: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
  if (!PLUGIN_TYPE.test(spec.type)) throw notFound(`plugin type="${spec.type}" not found`)
  const ipam: Record<string, unknown> = { type: 'static' }
  if (spec.routes && spec.routes.length > 0) ipam.routes = spec.routes.map((r) => ({ ...r }))
  const main = { ...mainPlugin(spec), ipam }
  const plugins: PluginConf[] = [main]
  const bandwidth = bandwidthPlugin(spec)
  if (bandwidth) plugins.push(bandwidth)
  return { cniVersion: CNI_VERSION, name: spec.name, plugins }
}

/** Every binary a conflist needs, main plugins and their IPAM plugins, in order, once each. */
export function pluginTypes(conflist: Conflist): string[] {
  const types = new Set<string>()
  for (const p of conflist.plugins) {
    types.add(p.type)
    const ipam = p.ipam as { type?: unknown } | undefined
    if (ipam && typeof ipam.type === 'string') types.add(ipam.type)
  }
  return [...types]
}

function mainPlugin(spec: NetworkSpec): PluginConf {
  const o = spec.options
  switch (spec.type) {
    case 'macvlan':
      return {
        type: 'macvlan',
        master: requireParent(o, 'macvlan'),
        mode: oneOf(o.macvlan_mode, 'bridge', MACVLAN_MODES, 'macvlan_mode'),
        ...mtu(o),
        capabilities: { ips: true, mac: true },
      }
    case 'ipvlan':
      if (o.ipvlan_flag !== undefined && o.ipvlan_flag !== 'bridge')
        throw invalid(`ipvlan_flag=${o.ipvlan_flag} is not supported: the CNI ipvlan plugin has only the bridge flag`)
      return {
        type: 'ipvlan',
        master: requireParent(o, 'ipvlan'),
        mode: oneOf(o.ipvlan_mode, 'l2', IPVLAN_MODES, 'ipvlan_mode'),
        ...mtu(o),
        capabilities: { ips: true },
      }
    default: {
      // A third-party plugin gets the options verbatim, as strings; `type`, `ipam` and
      // `capabilities` are berth's and cannot be overridden from -o.
      const fields: Record<string, string> = {}
      for (const [k, v] of Object.entries(o)) if (!['type', 'ipam', 'capabilities', 'name', 'cniVersion'].includes(k)) fields[k] = v
      return { ...fields, type: spec.type, capabilities: { ips: true, mac: true } }
    }
  }
}

function requireParent(o: Record<string, string>, driver: string): string {
  const parent = o.parent
  if (parent === undefined || parent === '') throw invalid(`-o parent=<host interface> is required for the ${driver} driver`)
  return parent
}

function oneOf(value: string | undefined, fallback: string, allowed: string[], option: string): string {
  if (value === undefined || value === '') return fallback
  if (!allowed.includes(value)) throw invalid(`invalid ${option} "${value}": must be one of ${allowed.join(', ')}`)
  return value
}

function mtu(o: Record<string, string>): { mtu?: number } {
  const raw = o.mtu ?? o['com.docker.network.driver.mtu']
  if (raw === undefined || raw === '') return {}
  const n = Number(raw)
  if (!/^[0-9]+$/.test(raw) || n < 68 || n > 65535) throw invalid(`invalid mtu "${raw}": must be an integer between 68 and 65535`)
  return { mtu: n }
}

/**
 * The bandwidth plugin, with the network's limits as its fields; `capabilities.bandwidth` lets a
 * container's runtimeConfig override them. It shapes the host end of a veth pair, so it cannot
 * work with macvlan/ipvlan (1.1.1 fails: `container interface eth0 has no veth peer`).
 */
function bandwidthPlugin(spec: NetworkSpec): PluginConf | undefined {
  const b = spec.bandwidth
  if (!b || Object.values(b).every((v) => v === undefined)) return undefined
  if (spec.type === 'macvlan' || spec.type === 'ipvlan')
    throw invalid(`bandwidth limits are not supported with the ${spec.type} driver: the CNI bandwidth plugin needs a veth pair`)
  checkPair(b.ingressRate, b.ingressBurst, 'ingress')
  checkPair(b.egressRate, b.egressBurst, 'egress')
  const limits = Object.fromEntries(Object.entries(b).filter(([, v]) => v !== undefined))
  return { type: 'bandwidth', ...limits, capabilities: { bandwidth: true } }
}

function checkPair(rate: number | undefined, burst: number | undefined, dir: string): void {
  for (const [what, v] of [['rate', rate], ['burst', burst]] as const)
    if (v !== undefined && (!Number.isSafeInteger(v) || v <= 0)) throw invalid(`invalid ${dir} ${what} ${v}: must be a positive integer`)
  if ((rate === undefined) !== (burst === undefined)) throw invalid(`${dir} rate and ${dir} burst must be given together`)
}
