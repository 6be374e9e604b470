// `berth restart`: restart each container, print its ref.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'
import { checkInt } from '../flags/units.js'

export interface RestartOptions { refs: string[]; time?: number; signal?: string }

export const command: CommandModule<RestartOptions> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Restart one or more containers',
  flags: [
    { long: 'signal', short: 's', kind: 'value', type: 'string', help: 'Signal to send to the container' },
    { long: 'timeout', short: 't', kind: 'value', type: 'int', help: 'Seconds to wait before killing the container', check: checkInt, aliases: ['time'] },
  ],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, time: p.has('timeout') ? Number(p.str('timeout')) : undefined, signal: p.str('signal') }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    await ctx.client.containers.restart(ref, { time: o.time, signal: o.signal })
    line(ctx.stdout, ref)
  }),
}
