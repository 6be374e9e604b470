// `berth rm`: remove each container (-f kills it first, -v drops its anonymous volumes).
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

export const command: CommandModule<{ refs: string[]; force: boolean; volumes: boolean; link: boolean }> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Remove one or more containers',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', help: 'Force the removal of a running container (uses SIGKILL)' },
    { long: 'link', short: 'l', kind: 'bool', help: 'Remove the specified link' },
    { long: 'volumes', short: 'v', kind: 'bool', help: 'Remove anonymous volumes associated with the container' },
  ],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, force: p.bool('force'), volumes: p.bool('volumes'), link: p.bool('link') }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    await ctx.client.containers.remove(ref, { force: o.force, volumes: o.volumes, link: o.link })
    line(ctx.stdout, ref)
  }),
}
