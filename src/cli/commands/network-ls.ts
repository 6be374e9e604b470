// `berth network ls`: list networks as a table, IDs (-q), or --format; sorted by name.
import type { CommandModule } from '../command.js'
import { checkFilterFlag, parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { renderList } from '../output/list-format.js'
import { byNaturalName } from '../output/natural-order.js'
import { networkRow, networkSpec } from '../output/network-rows.js'
import { formatHelp } from './ps.js'

export interface NetworkLsOptions { quiet: boolean; noTrunc: boolean; format?: string; filters: Filters }

export const command: CommandModule<NetworkLsOptions> = {
  usage: '[OPTIONS]',
  description: 'List networks',
  flags: [
    { long: 'filter', short: 'f', kind: 'list', type: 'filter', help: 'Provide filter values (e.g. "driver=bridge")', check: checkFilterFlag },
    { long: 'format', kind: 'value', type: 'string', help: formatHelp },
    { long: 'no-trunc', kind: 'bool', help: 'Do not truncate the output' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Only display network IDs' },
  ],
  args: { max: 0 },
  parse: (p) => ({ quiet: p.bool('quiet'), noTrunc: p.bool('no-trunc'), format: p.str('format'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    const list = [...(await ctx.client.networks.list(o.filters))].sort(byNaturalName)
    ctx.stdout.write(renderList(networkSpec, list.map((n) => networkRow(n, { trunc: !o.noTrunc })), o.format, o.quiet))
  },
}
