// `berth kill`: send a signal (default KILL) to each container, print its ref.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

export const command: CommandModule<{ refs: string[]; signal?: string }> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Kill one or more running containers',
  flags: [{ long: 'signal', short: 's', kind: 'value', type: 'string', help: 'Signal to send to the container' }],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, signal: p.str('signal') }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    await ctx.client.containers.kill(ref, o.signal)
    line(ctx.stdout, ref)
  }),
}
