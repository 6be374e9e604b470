// `berth image prune`: remove dangling (or with -a, unused) images after confirmation.
import { line, type CommandModule } from '../command.js'
import { parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { humanSizeDefault } from '../output/human.js'
import { confirm } from './confirm.js'

export const command: CommandModule<{ all: boolean; force: boolean; filters: Filters }> = {
  usage: '[OPTIONS]',
  description: 'Remove unused images',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', help: 'Remove all unused images, not just dangling ones' },
    { long: 'filter', kind: 'list', type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { long: 'force', short: 'f', kind: 'bool', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  parse: (p) => ({ all: p.bool('all'), force: p.bool('force'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    const warning = o.all
      ? 'WARNING! This will remove all images without at least one container associated to them.'
      : 'WARNING! This will remove all dangling images.'
    if (!o.force && !(await confirm(ctx, warning))) return
    const filters = { ...o.filters, dangling: [o.all ? 'false' : 'true'] }
    const res = await ctx.client.images.prune(filters)
    const deleted = res.ImagesDeleted ?? []
    if (deleted.length) {
      line(ctx.stdout, 'Deleted Images:')
      for (const d of deleted) line(ctx.stdout, d.Untagged ? `untagged: ${d.Untagged}` : `deleted: ${d.Deleted}`)
      line(ctx.stdout, '')
    }
    line(ctx.stdout, `Total reclaimed space: ${humanSizeDefault(res.SpaceReclaimed)}`)
  },
}
