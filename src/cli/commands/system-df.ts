// `berth system df`: disk usage per object type (docker's summary table), -v for the per-object
// sections, --format for a template per row or `json`.
import type { CommandModule } from '../command.js'
import { renderDf, renderDfVerbose } from '../output/df-rows.js'

export interface SystemDfOptions { verbose: boolean; format?: string }

export const command: CommandModule<SystemDfOptions> = {
  usage: '[OPTIONS]',
  description: 'Show berth disk usage',
  flags: [
    { long: 'format', kind: 'value', type: 'string', help: 'Format output using a custom template:\n\'table\':            Print output in table format with column headers (default)\n\'table TEMPLATE\':   Print output in table format using the given Go template\n\'json\':             Print in JSON format\n\'TEMPLATE\':         Print output using the given Go template' },
    { long: 'verbose', short: 'v', kind: 'bool', help: 'Show detailed information on space usage' },
  ],
  args: { max: 0 },
  parse: (p) => ({ verbose: p.bool('verbose'), format: p.str('format') }),
  run: async (o, ctx) => {
    const du = await ctx.client.system.df()
    ctx.stdout.write(o.verbose ? renderDfVerbose(du, Date.now(), o.format) : renderDf(du, o.format))
  },
}
