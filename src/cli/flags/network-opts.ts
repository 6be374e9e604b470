// Endpoint settings as the docker CLI builds them: `run`/`create`'s --network (plain or
// `name=x,alias=y,ip=z`), --network-alias, --ip, --ip6, --mac-address, --link-local-ip, --link
// into NetworkingConfig.EndpointsConfig, and `network connect`'s flags into one endpoint.
// Terms: a *target* is the network as typed; *user-defined* is any name but default, bridge,
// host, none and container:<x> (aliases and links only apply there).
import { isValidMAC } from './ip.js'
import { parseInt64 } from './units.js'
import { csvFields } from './string-slice.js'

export interface NetworkAttachment {
  target: string
  aliases: string[]
  driverOpts?: Record<string, string>
  links: string[]
  ipv4Address: string
  ipv6Address: string
  linkLocalIPs: string[]
  macAddress: string
  gwPriority: number
}

export interface EndpointIpamConfig { IPv4Address?: string; IPv6Address?: string; LinkLocalIPs?: string[] }

export interface EndpointSettings {
  IPAMConfig: EndpointIpamConfig | null
  Links: string[] | null
  Aliases: string[] | null
  MacAddress: string
  DriverOpts: Record<string, string> | null
  GwPriority: number
  NetworkID: string
  EndpointID: string
  Gateway: string
  IPAddress: string
  IPPrefixLen: number
  IPv6Gateway: string
  GlobalIPv6Address: string
  GlobalIPv6PrefixLen: number
  DNSNames: string[] | null
}

/** Go's zero EndpointSettings, as encoding/json writes it. */
export const emptyEndpoint = (): EndpointSettings => ({
  IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '',
  EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '',
  GlobalIPv6PrefixLen: 0, DNSNames: null,
})

export const isUserDefined = (mode: string): boolean =>
  !['default', 'bridge', 'host', 'none'].includes(mode) && !/^container:/.test(mode)

const attachment = (target: string): NetworkAttachment => ({
  target, aliases: [], links: [], ipv4Address: '', ipv6Address: '', linkLocalIPs: [], macAddress: '', gwPriority: 0,
})

/** opts.NetworkOpt.Set: `name` or the CSV long form (keys and values are lower-cased, as docker does). */
export function parseNetworkOpt(value: string): NetworkAttachment {
  if (!/\w+=\w+(,\w+=\w+)*/.test(value)) return attachment(value)
  const n = attachment('')
  for (const field of csvFields(value)) {
    const lower = field.toLowerCase()
    const eq = lower.indexOf('=')
    if (eq <= 0) throw new Error(`invalid field ${field}`)
    const key = lower.slice(0, eq).trim()
    const val = lower.slice(eq + 1).trim()
    switch (key) {
      case 'name': n.target = val; break
      case 'alias': n.aliases.push(val); break
      case 'ip': n.ipv4Address = val; break
      case 'ip6': n.ipv6Address = val; break
      case 'mac-address': n.macAddress = val; break
      case 'link-local-ip': n.linkLocalIPs.push(val); break
      case 'driver-opt': {
        const [k, v] = driverOpt(val, 'invalid key value pair format in driver options')
        n.driverOpts = { ...n.driverOpts, [k]: v }
        break
      }
      case 'gw-priority':
        try {
          n.gwPriority = parseInt64(val)
        } catch {
          throw new Error(`invalid gw-priority (${val}): invalid syntax`)
        }
        break
      default:
        throw new Error(`invalid field key ${key}`)
    }
  }
  if (n.target === '') throw new Error('network name/id is not specified')
  return n
}

function driverOpt(opt: string, message: string): [string, string] {
  const eq = opt.indexOf('=')
  const key = eq < 0 ? '' : opt.slice(0, eq).trim()
  if (eq < 0 || key === '') throw new Error(message)
  return [key, opt.slice(eq + 1).trim()]
}

/** `network connect --driver-opt k=v`: docker's convertDriverOpt. */
export function connectDriverOpts(opts: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const o of opts) {
    const [k, v] = driverOpt(o, 'invalid key/value pair format in driver options')
    out[k] = v
  }
  return out
}

/** opts.ParseLink, as a flag check. */
export function checkLink(value: string): void {
  if (value === '') throw new Error('empty string specified for links')
  if (value.split(':').length > 2) throw new Error(`bad format for links: ${value}`)
}

/** The run/create flags that describe the first network's endpoint. */
export interface ContainerNetworkFlags {
  networks: readonly string[]
  aliases: readonly string[]
  links: readonly string[]
  ipv4Address: string
  ipv6Address: string
  macAddress: string
  linkLocalIPs: readonly string[]
}

const conflict = (what: string) => new Error(`conflicting options: cannot specify both ${what}`)

/** docker's applyContainerOptions: the plain flags describe the first (or the default) network. */
function applyContainerOptions(n: NetworkAttachment, f: ContainerNetworkFlags): void {
  if (n.aliases.length && f.aliases.length) throw conflict('--network-alias and per-network alias')
  if (n.links.length && f.links.length) throw conflict('--link and per-network links')
  if (n.ipv4Address && f.ipv4Address) throw conflict('--ip and per-network IPv4 address')
  if (n.ipv6Address && f.ipv6Address) throw conflict('--ip6 and per-network IPv6 address')
  if (n.macAddress && f.macAddress) throw conflict('--mac-address and per-network MAC address')
  if (n.linkLocalIPs.length && f.linkLocalIPs.length) throw conflict('--link-local-ip and per-network link-local IP addresses')
  if (f.aliases.length) n.aliases = [...f.aliases]
  // on a user-defined network --link is an endpoint alias; on the default bridge a legacy link
  if (isUserDefined(n.target) && f.links.length) n.links = [...f.links]
  if (f.ipv4Address) n.ipv4Address = f.ipv4Address
  if (f.ipv6Address) n.ipv6Address = f.ipv6Address
  if (f.macAddress) n.macAddress = f.macAddress
  if (f.linkLocalIPs.length) n.linkLocalIPs = [...f.linkLocalIPs]
}

/** docker's parseNetworkAttachmentOpt. */
function endpointFor(n: NetworkAttachment): EndpointSettings {
  if (n.target.trim() === '') throw new Error('no name set for network')
  if (!isUserDefined(n.target)) {
    if (n.aliases.length) throw new Error('network-scoped aliases are only supported for user-defined networks')
    if (n.links.length) throw new Error('links are only supported for user-defined networks')
  }
  const ep = emptyEndpoint()
  ep.GwPriority = n.gwPriority
  if (n.aliases.length) ep.Aliases = [...n.aliases]
  if (n.driverOpts && Object.keys(n.driverOpts).length) ep.DriverOpts = n.driverOpts
  if (n.links.length) ep.Links = n.links
  if (n.ipv4Address || n.ipv6Address || n.linkLocalIPs.length) {
    ep.IPAMConfig = {
      ...(n.ipv4Address ? { IPv4Address: n.ipv4Address } : {}),
      ...(n.ipv6Address ? { IPv6Address: n.ipv6Address } : {}),
      ...(n.linkLocalIPs.length ? { LinkLocalIPs: n.linkLocalIPs } : {}),
    }
  }
  if (n.macAddress) {
    if (!isValidMAC(n.macAddress.trim())) throw new Error(`${n.macAddress} is not a valid mac address`)
    ep.MacAddress = n.macAddress
  }
  return ep
}

const isEmpty = (ep: EndpointSettings) => JSON.stringify(ep) === JSON.stringify(emptyEndpoint())

export interface ContainerNetworking {
  /** HostConfig.NetworkMode: the first network's target, else `default`. */
  networkMode: string
  endpoints: Record<string, EndpointSettings>
}

/** docker's parseNetworkOpts: one endpoint per --network (the default one when there is none). */
export function containerNetworking(f: ContainerNetworkFlags): ContainerNetworking {
  const attachments = f.networks.map(parseNetworkOpt)
  const endpoints: Record<string, EndpointSettings> = {}
  if (attachments.length === 0) {
    const n = attachment('default')
    applyContainerOptions(n, f)
    endpoints['default'] = endpointFor(n)
  }
  let userDefined = false
  let builtIn = false
  attachments.forEach((n, i) => {
    if (isUserDefined(n.target)) userDefined = true
    else builtIn = true
    if (i === 0) applyContainerOptions(n, f)
    const ep = endpointFor(n)
    if (endpoints[n.target]) throw new Error(`network "${n.target}" is specified multiple times`)
    // a single network without options: the daemon makes the endpoint, the client sends none
    if (i === 0 && attachments.length === 1 && isEmpty(ep)) return
    endpoints[n.target] = ep
  })
  if (userDefined && builtIn) throw new Error('conflicting options: cannot attach both user-defined and non-user-defined network-modes')
  return { networkMode: attachments[0]?.target ?? 'default', endpoints }
}

export interface ConnectFlags {
  ipv4Address: string
  ipv6Address: string
  links: readonly string[]
  aliases: readonly string[]
  linkLocalIPs: readonly string[]
  driverOpts: readonly string[]
  gwPriority: number
}

/** `network connect`'s EndpointConfig: docker always sends IPAMConfig, Aliases ([]) and DriverOpts ({}). */
export function connectEndpoint(f: ConnectFlags): EndpointSettings {
  return {
    ...emptyEndpoint(),
    IPAMConfig: {
      ...(f.ipv4Address ? { IPv4Address: f.ipv4Address } : {}),
      ...(f.ipv6Address ? { IPv6Address: f.ipv6Address } : {}),
      ...(f.linkLocalIPs.length ? { LinkLocalIPs: [...f.linkLocalIPs] } : {}),
    },
    Links: f.links.length ? [...f.links] : null,
    Aliases: [...f.aliases],
    DriverOpts: connectDriverOpts(f.driverOpts),
    GwPriority: f.gwPriority,
  }
}
