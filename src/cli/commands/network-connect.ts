// `berth network connect`: attach a container to a network with docker's endpoint settings
// (--ip, --ip6, --alias, --link, --link-local-ip, --driver-opt, --gw-priority).
import type { CommandModule } from '../command.js'
import { checkLink, connectEndpoint, type ConnectFlags } from '../flags/network-opts.js'
import { checkCsv, stringSlice } from '../flags/string-slice.js'
import { checkInt } from '../flags/units.js'

export interface NetworkConnectOptions extends ConnectFlags { network: string; container: string }

export const command: CommandModule<NetworkConnectOptions> = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Connect a container to a network',
  flags: [
    { long: 'alias', kind: 'list', type: 'strings', help: 'Add network-scoped alias for the container', check: checkCsv },
    { long: 'driver-opt', kind: 'list', type: 'strings', help: 'driver options for the network', check: checkCsv },
    { long: 'gw-priority', kind: 'value', type: 'int', help: 'Highest gw-priority provides the default gateway. Accepts positive and negative values.', check: checkInt },
    { long: 'ip', kind: 'value', type: 'string', help: 'IPv4 address (e.g., "172.30.100.104")' },
    { long: 'ip6', kind: 'value', type: 'string', help: 'IPv6 address (e.g., "2001:db8::33")' },
    { long: 'link', kind: 'list', type: 'list', help: 'Add link to another container', check: checkLink },
    { long: 'link-local-ip', kind: 'list', type: 'strings', help: 'Add a link-local address for the container', check: checkCsv },
  ],
  args: { min: 2, max: 2 },
  parse: (p) => ({
    network: p.args[0]!,
    container: p.args[1]!,
    ipv4Address: p.str('ip') ?? '',
    ipv6Address: p.str('ip6') ?? '',
    links: p.list('link'),
    aliases: stringSlice(p.list('alias')),
    linkLocalIPs: stringSlice(p.list('link-local-ip')),
    driverOpts: stringSlice(p.list('driver-opt')),
    gwPriority: Number(p.str('gw-priority') ?? 0),
  }),
  run: async (o, ctx) => {
    // built here, not in parse: a bad --driver-opt is a plain error in docker (exit 1, no usage)
    await ctx.client.networks.connect(o.network, { Container: o.container, EndpointConfig: connectEndpoint(o) })
  },
}
