// `berth volume ls`: list volumes as a table (DRIVER, VOLUME NAME), names (-q), or --format.
import type { CommandModule } from '../command.js'
import { checkFilterFlag, parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { renderList } from '../output/list-format.js'
import { byNaturalName } from '../output/natural-order.js'
import { volumeRow, volumeSpec } from '../output/volume-rows.js'
import { formatHelp } from './ps.js'

export interface VolumeLsOptions { quiet: boolean; format?: string; filters: Filters }

export const command: CommandModule<VolumeLsOptions> = {
  usage: '[OPTIONS]',
  description: 'List volumes',
  flags: [
    { long: 'filter', short: 'f', kind: 'list', type: 'filter', help: "Provide filter values (e.g. \"dangling=true\")", check: checkFilterFlag },
    { long: 'format', kind: 'value', type: 'string', help: formatHelp },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Only display volume names' },
  ],
  args: { max: 0 },
  parse: (p) => ({ quiet: p.bool('quiet'), format: p.str('format'), filters: parseFilterFlags(p.list('filter')) }),
  run: async (o, ctx) => {
    const list = [...((await ctx.client.volumes.list(o.filters)).Volumes ?? [])].sort(byNaturalName)
    ctx.stdout.write(renderList(volumeSpec, list.map(volumeRow), o.format, o.quiet))
  },
}
