// `berth top CONTAINER [ps OPTIONS]`: the daemon runs ps; we align its columns.
import type { CommandModule } from '../command.js'
import { tabwrite } from '../output/tabwriter.js'

export const command: CommandModule<{ ref: string; psArgs?: string }> = {
  usage: 'CONTAINER [ps OPTIONS]',
  description: 'Display the running processes of a container',
  flags: [],
  args: { min: 1 },
  stopAtPositional: true,
  parse: (p) => ({ ref: p.args[0]!, psArgs: p.args.length > 1 ? p.args.slice(1).join(' ') : undefined }),
  run: async (o, ctx) => {
    const top = await ctx.client.containers.top(o.ref, o.psArgs)
    const text = [top.Titles, ...(top.Processes ?? [])].map((r) => r.join('\t')).join('\n') + '\n'
    ctx.stdout.write(tabwrite(text, { minWidth: 20, padding: 3 }))
  },
}
