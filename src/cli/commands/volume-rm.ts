// `berth volume rm`: remove each volume, printing its name; failures are printed together at the
// end (exit 1). -f ignores volumes that do not exist; one in use is refused either way.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

export const command: CommandModule<{ names: string[]; force: boolean }> = {
  usage: '[OPTIONS] VOLUME [VOLUME...]',
  description: 'Remove one or more volumes',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', help: 'Force the removal of one or more volumes' },
  ],
  args: { min: 1 },
  parse: (p) => ({ names: p.args, force: p.bool('force') }),
  run: async (o, ctx) => {
    await forEachRef(o.names, async (name) => {
      await ctx.client.volumes.remove(name, o.force)
      line(ctx.stdout, name)
    })
  },
}
