// `berth wait`: block until each container stops, print its exit code.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

export const command: CommandModule<{ refs: string[] }> = {
  usage: 'CONTAINER [CONTAINER...]',
  description: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    const res = await ctx.client.containers.wait(ref)
    line(ctx.stdout, String(res.StatusCode))
  }),
}
