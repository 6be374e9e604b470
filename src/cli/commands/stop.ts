// `berth stop` and `berth restart`: the same flags and loop, a different client call.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'
import { checkInt } from '../flags/units.js'

export interface StopOptions { refs: string[]; time?: number; signal?: string }

export function stopLike(description: string, verb: 'stop' | 'restart'): CommandModule<StopOptions> {
  return {
    usage: '[OPTIONS] CONTAINER [CONTAINER...]',
    description,
    flags: [
      { long: 'signal', short: 's', kind: 'value', type: 'string', help: 'Signal to send to the container' },
      { long: 'timeout', short: 't', kind: 'value', type: 'int', help: 'Seconds to wait before killing the container', check: checkInt, aliases: ['time'] },
    ],
    args: { min: 1 },
    parse: (p) => ({ refs: p.args, time: p.has('timeout') ? Number(p.str('timeout')) : undefined, signal: p.str('signal') }),
    run: (o, ctx) =>
      forEachRef(o.refs, async (ref) => {
        await ctx.client.containers[verb](ref, { time: o.time, signal: o.signal })
        line(ctx.stdout, ref)
      }),
  }
}

export const command = stopLike('Stop one or more running containers', 'stop')
