// `berth network create`: flags into docker's create body (IPAM paired per subnet), print the ID.
import { line, type CommandModule } from '../command.js'
import { networkCreateBody, networkCreateFlags, parseNetworkCreate, type NetworkCreateOptions } from '../flags/network-create.js'

export const command: CommandModule<NetworkCreateOptions> = {
  usage: '[OPTIONS] NETWORK',
  description: 'Create a network',
  flags: networkCreateFlags,
  args: { min: 1, max: 1 },
  parse: parseNetworkCreate,
  run: async (o, ctx) => {
    // built here, not in parse: docker reports IPAM mistakes as a plain error (exit 1, no usage)
    const res = await ctx.client.networks.create(networkCreateBody(o))
    line(ctx.stdout, res.Id)
  },
}
