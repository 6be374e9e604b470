// The embedded DNS server's answers for user-defined networks, from the engine's records.
import type { DnsResolver } from '../../network/dns/server.js'
import { formatIp } from '../../network/ipv4.js'
import type { NetworkRepo } from '../../state/networks.js'
import type { ContainerRecord, EndpointRecord, NetworkRecord } from '../../state/records.js'
import { primaryPool } from './create.js'
import { parseLinks } from './links.js'
import type { NetworkRegistry } from './registry.js'
import { isUserBridge, linksOf, type ContainerView } from './view.js'

export interface DnsContext {
  registry: NetworkRegistry
  repo: NetworkRepo
  containers: Pick<ContainerView, 'get' | 'find'>
  /** where names nobody here has go, for this asker */
  upstreams(asker: ContainerRecord | undefined): string[]
}

/** Both addresses of an endpoint: what the embedded DNS answers for its names. */
export const addressesOf = (ep: EndpointRecord): string[] => (ep.ip6 ? [ep.ip, ep.ip6] : [ep.ip])

const findContainer = (containers: DnsContext['containers'], ref: string): ContainerRecord | undefined => {
  try {
    return containers.find(ref)
  } catch {
    return undefined // an ambiguous prefix names nothing
  }
}

/**
 * The embedded DNS server's view: the asker is the container holding the client address on the
 * network the query arrived at; it sees the names of every user-defined network it is on, and
 * its own --link aliases, and nothing else.
 */
export function embeddedDns(ctx: DnsContext): DnsResolver {
const { registry, repo, containers } = ctx
  const networkAt = (server: string) =>
    registry.all().find((n) => isUserBridge(n) && primaryPool(n) && formatIp(primaryPool(n)!.gateway) === server)
  const askerOf = (client: string, server: string) => {
    const n = networkAt(server)
    const ep = n && repo.endpointsOf(n.id).find((e) => e.ip === client)
    return { n, asker: ep ? containers.get(ep.containerId) : undefined }
  }
  const visibleNetworks = (n: NetworkRecord, asker: ContainerRecord | undefined) =>
    asker ? Object.keys(asker.networks ?? {}).map((id) => registry.get(id)).filter((x): x is NetworkRecord => !!x && isUserBridge(x)) : [n]
  const namesOf = (c: ContainerRecord, n: NetworkRecord) =>
    [c.name, c.id.slice(0, 12), ...(c.networks?.[n.id]?.Aliases ?? [])].map((x) => x.toLowerCase())
  return {
    lookup: (name, client, server) => {
      const { n, asker } = askerOf(client, server)
      if (!n) return undefined
      const nets = visibleNetworks(n, asker)
      // --link target:alias on a user network: an alias only the linking container sees.
      for (const net of nets)
        for (const l of parseLinks(asker?.networks?.[net.id]?.Links ?? (asker ? linksOf(asker.hostConfig) : []))) {
          if (l.alias.toLowerCase() !== name) continue
          const t = findContainer(containers, l.target)
          const ep = t && repo.endpointsFor(t.id).find((e) => e.networkId === net.id)
          if (ep) return addressesOf(ep)
        }
      for (const net of nets) {
        // `name.network` names a container on that network only.
        const suffix = `.${net.name.toLowerCase()}`
        const bare = name.endsWith(suffix) ? name.slice(0, -suffix.length) : undefined
        const ips = repo
          .endpointsOf(net.id)
          .filter((e) => {
            const c = containers.get(e.containerId)
            return c && (namesOf(c, net).includes(name) || (bare !== undefined && namesOf(c, net).includes(bare)))
          })
          .flatMap(addressesOf)
        if (ips.length) return ips
      }
      return undefined
    },
    reverse: (ip, client, server) => {
      const { n, asker } = askerOf(client, server)
      if (!n) return undefined
      for (const net of visibleNetworks(n, asker)) {
        const ep = repo.endpointsOf(net.id).find((e) => e.ip === ip || e.ip6 === ip)
        const c = ep && containers.get(ep.containerId)
        if (c) return `${c.name}.${net.name}`
      }
      return undefined
    },
    upstreams: (client, server) => ctx.upstreams(askerOf(client, server).asker),
  }
}
