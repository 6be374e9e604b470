// `berth network disconnect`: detach a container from a network (-f even if it is gone).
import type { CommandModule } from '../command.js'

export const command: CommandModule<{ network: string; container: string; force: boolean }> = {
  usage: '[OPTIONS] NETWORK CONTAINER',
  description: 'Disconnect a container from a network',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', help: 'Force the container to disconnect from a network' },
  ],
  args: { min: 2, max: 2 },
  parse: (p) => ({ network: p.args[0]!, container: p.args[1]!, force: p.bool('force') }),
  run: async (o, ctx) => {
    await ctx.client.networks.disconnect(o.network, { Container: o.container, Force: o.force })
  },
}
