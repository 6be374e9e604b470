// `berth network prune`: remove networks no container uses, after confirmation.
import type { CommandModule } from '../command.js'
import { writeDeleted } from '../output/prune-report.js'
import { checkFilterFlag, parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { confirm } from './confirm.js'

export const command: CommandModule<{ force: boolean; filters: Filters }> = {
  usage: '[OPTIONS]',
  description: 'Remove all unused networks',
  flags: [
    { long: 'filter', kind: 'list', type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")', check: checkFilterFlag },
    { long: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  parse: (p) => ({ force: p.bool('force'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    if (!o.force && !(await confirm(ctx, 'WARNING! This will remove all custom networks not used by at least one container.'))) return
    const res = await ctx.client.networks.prune(o.filters)
    const deleted = res.NetworksDeleted ?? []
    // no reclaimed-space line for networks: nothing at all when nothing went
    writeDeleted(ctx.stdout, 'Deleted Networks', deleted)
  },
}
