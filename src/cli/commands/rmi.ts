// `berth rmi`: remove images; prints Untagged:/Deleted: lines as docker does.
import { line, type CommandModule } from '../command.js'
import { forEachRef } from '../errors.js'

export const command: CommandModule<{ refs: string[]; force: boolean; noprune: boolean }> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Remove one or more images',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', help: 'Force removal of the image' },
    { long: 'no-prune', kind: 'bool', help: 'Do not delete untagged parents' },
  ],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, force: p.bool('force'), noprune: p.bool('no-prune') }),
  run: (o, ctx) => forEachRef(o.refs, async (ref) => {
    for (const d of await ctx.client.images.remove(ref, { force: o.force, noprune: o.noprune })) {
      if (d.Untagged) line(ctx.stdout, `Untagged: ${d.Untagged}`)
      if (d.Deleted) line(ctx.stdout, `Deleted: ${d.Deleted}`)
    }
  }),
}
