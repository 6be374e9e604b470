// `berth rename OLD NEW`.
import type { CommandModule } from '../command.js'

export const command: CommandModule<{ ref: string; name: string }> = {
  usage: 'CONTAINER NEW_NAME',
  description: 'Rename a container',
  flags: [],
  args: { min: 2, max: 2 },
  parse: (p) => {
    const [ref, name] = p.args as [string, string]
    if (name.trim() === '') throw new Error('Error: Neither old nor new names may be empty')
    return { ref, name: name.trim() }
  },
  run: async (o, ctx) => {
    await ctx.client.containers.rename(o.ref, o.name)
  },
}
