// `berth volume prune`: remove volumes no container uses (anonymous ones unless --all), after
// confirmation; then the removed names and the space reclaimed.
import { line, type CommandModule } from '../command.js'
import { checkFilterFlag, parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { humanSizeDefault } from '../output/human.js'
import { writeDeleted } from '../output/prune-report.js'
import { versionLess } from '../../client/transport.js'
import { confirm } from './confirm.js'

const ANONYMOUS = 'WARNING! This will remove anonymous local volumes not used by at least one container.'
const ALL = 'WARNING! This will remove all local volumes not used by at least one container.'

export const command: CommandModule<{ all: boolean; force: boolean; filters: Filters }> = {
  usage: '[OPTIONS]',
  description: 'Remove unused local volumes',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', help: 'Remove all unused volumes, not just anonymous ones' },
    { long: 'filter', kind: 'list', type: 'filter', help: 'Provide filter values (e.g. "label=<label>")', check: checkFilterFlag },
    { long: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  parse: (p) => ({ all: p.bool('all'), force: p.bool('force'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    const filters = { ...o.filters }
    let warning = ANONYMOUS
    if (versionLess(await ctx.client.volumes.apiVersion(), '1.42')) warning = ALL // older daemons prune named ones too
    else if (o.all) {
      if (filters.all) throw new Error('conflicting options: cannot specify both --all and --filter all=1')
      filters.all = ['true']
      warning = ALL
    }
    if (!o.force && !(await confirm(ctx, warning))) return
    const res = await ctx.client.volumes.prune(filters)
    const deleted = res.VolumesDeleted ?? []
    writeDeleted(ctx.stdout, 'Deleted Volumes', deleted)
    line(ctx.stdout, `Total reclaimed space: ${humanSizeDefault(deleted.length ? res.SpaceReclaimed : 0)}`)
  },
}
