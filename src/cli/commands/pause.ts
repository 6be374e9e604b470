// `berth pause` and `berth unpause`.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

const make = (verb: 'pause' | 'unpause', description: string): CommandModule<{ refs: string[] }> => ({
  usage: 'CONTAINER [CONTAINER...]',
  description,
  flags: [],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    await ctx.client.containers[verb](ref)
    line(ctx.stdout, ref)
  }),
})

export const pauseCommand = make('pause', 'Pause all processes within one or more containers')
export const unpauseCommand = make('unpause', 'Unpause all processes within one or more containers')
