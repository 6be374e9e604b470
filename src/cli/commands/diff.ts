// `berth diff`: changes in the container's writable layer, `C|A|D path` per line.
import { line, type CommandModule } from '../command.js'

const KINDS = ['C', 'A', 'D']

export const command: CommandModule<{ ref: string }> = {
  usage: 'CONTAINER',
  description: "Inspect changes to files or directories on a container's filesystem",
  flags: [],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]! }),
  run: async (o, ctx) => {
    for (const c of (await ctx.client.containers.changes(o.ref)) ?? []) line(ctx.stdout, `${KINDS[c.Kind] ?? '?'} ${c.Path}`)
  },
}
