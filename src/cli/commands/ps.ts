// `berth ps`: list containers as a table, IDs (-q), or --format.
import type { CommandModule } from '../command.js'
import { parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { checkInt } from '../flags/units.js'
import { renderList } from '../output/list-format.js'
import { psRow, psSpec } from '../output/ps-rows.js'

export interface PsOptions { all: boolean; last: number; size: boolean; quiet: boolean; noTrunc: boolean; format?: string; filters: Filters }

export const formatHelp = "Format output using a custom template: 'table', 'table TEMPLATE', 'json' or 'TEMPLATE'"

export const command: CommandModule<PsOptions> = {
  usage: '[OPTIONS]',
  description: 'List containers',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', help: 'Show all containers (default shows just running)' },
    { long: 'filter', short: 'f', kind: 'list', type: 'filter', help: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'value', type: 'string', help: formatHelp },
    { long: 'last', short: 'n', kind: 'value', type: 'int', help: 'Show n last created containers (includes all states)', defaultText: '-1', check: checkInt },
    { long: 'latest', short: 'l', kind: 'bool', help: 'Show the latest created container (includes all states)' },
    { long: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Only display container IDs' },
    { long: 'size', short: 's', kind: 'bool', help: 'Display total file sizes' },
  ],
  args: { max: 0 },
  parse: (p) => ({
    all: p.bool('all'),
    last: p.bool('latest') ? 1 : Number(p.str('last') ?? -1),
    size: p.bool('size'),
    quiet: p.bool('quiet'),
    noTrunc: p.bool('no-trunc'),
    format: p.str('format'),
    filters: parseFilterFlags(p.list('filter')),
  }),
  run: async (o, ctx) => {
    const wantsSize = o.size || (o.format !== undefined && o.format.includes('.Size'))
    const list = await ctx.client.containers.list({ all: o.all, limit: o.last, size: wantsSize && !o.quiet, filters: o.filters })
    const now = Date.now()
    let format = o.format
    if (o.size && (format === undefined || format === '' || format === 'table') && !o.quiet) format = `${psSpec.defaultTable}\t{{.Size}}`
    ctx.stdout.write(renderList(psSpec, list.map((c) => psRow(c, { trunc: !o.noTrunc, now })), format, o.quiet))
  },
}
