// The CNI driver: networks whose driver berth does not implement itself (macvlan, ipvlan, any
// plugin in the CNI path). berth's IPAM picks the address; the `static` IPAM plugin applies it.
// The chain's result is kept on the endpoint so DEL works after a daemon restart.
import { existsSync } from 'node:fs'
import type { EndpointRecord, NetworkRecord } from '../../state/records.js'
import { buildConflist, type NetworkSpec } from '../../network/cni/conflist.js'
import { cniAdd, cniDel, type CniResult } from '../../network/cni/invoke.js'
import { DEFAULT_CNI_PATH } from '../../network/cni/plugins.js'
import type { EndpointDriver } from './sandbox.js'

export class CniDriver implements EndpointDriver {
  constructor(private readonly cniPath = DEFAULT_CNI_PATH) {}

  pluginExists(type: string): boolean {
    return /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(type) && this.cniPath.split(':').some((dir) => existsSync(`${dir}/${type}`))
  }

  /** Validates the driver options at `network create` (e.g. macvlan needs -o parent=). */
  check(net: Pick<NetworkRecord, 'name' | 'driver' | 'options'>): void {
    buildConflist(this.spec(net as NetworkRecord))
  }

  private spec(net: NetworkRecord, ep?: EndpointRecord): NetworkSpec {
    const routes = ep && ep.ifName === 'eth0' && !net.internal ? [{ dst: '0.0.0.0/0', gw: ep.gateway }] : undefined
    return { name: net.name, type: net.driver, options: net.options, routes }
  }

  async attach(net: NetworkRecord, ep: EndpointRecord, netns: string): Promise<EndpointRecord> {
    const result = await cniAdd(buildConflist(this.spec(net, ep)), {
      containerId: ep.containerId,
      netns,
      ifName: ep.ifName,
      runtimeConfig: { ips: [`${ep.ip}/${ep.prefixLen}`], mac: ep.mac },
      cniPath: this.cniPath,
    })
    const mac = result.interfaces?.find((i) => i.name === ep.ifName && i.sandbox)?.mac
    return { ...ep, mac: mac ?? ep.mac, cniResult: result }
  }

  async detach(net: NetworkRecord, ep: EndpointRecord, netns: string): Promise<void> {
    await cniDel(
      buildConflist(this.spec(net, ep)),
      { containerId: ep.containerId, netns: existsSync(netns) ? netns : '', ifName: ep.ifName, runtimeConfig: { ips: [`${ep.ip}/${ep.prefixLen}`], mac: ep.mac }, cniPath: this.cniPath },
      ep.cniResult as CniResult | undefined,
    )
  }
}
