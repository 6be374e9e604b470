// `berth container prune`: remove all stopped containers after confirmation.
import { line, type CommandModule } from '../command.js'
import { parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { humanSize } from '../output/human.js'
import { confirm } from './confirm.js'

export const command: CommandModule<{ force: boolean; filters: Filters }> = {
  usage: '[OPTIONS]',
  description: 'Remove all stopped containers',
  flags: [
    { long: 'filter', kind: 'list', type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  parse: (p) => ({ force: p.bool('force'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    if (!o.force && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))) return
    const res = await ctx.client.containers.prune(o.filters)
    const deleted = res.ContainersDeleted ?? []
    if (deleted.length) {
      line(ctx.stdout, 'Deleted Containers:')
      for (const id of deleted) line(ctx.stdout, id)
      line(ctx.stdout, '')
    }
    line(ctx.stdout, `Total reclaimed space: ${humanSize(res.SpaceReclaimed)}`)
  },
}
