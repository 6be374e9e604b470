// `berth history IMAGE`.
import type { CommandModule } from '../command.js'
import { historyRow, historySpec } from '../output/image-rows.js'
import { renderList } from '../output/list-format.js'
import { formatHelp } from './ps.js'

export const command: CommandModule<{ ref: string; human: boolean; noTrunc: boolean; quiet: boolean; format?: string }> = {
  usage: '[OPTIONS] IMAGE',
  description: 'Show the history of an image',
  flags: [
    { long: 'format', kind: 'value', type: 'string', help: formatHelp },
    { long: 'human', short: 'H', kind: 'bool', help: 'Print sizes and dates in human readable format', defaultText: 'true' },
    { long: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Only show image IDs' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]!, human: p.bool('human', true), noTrunc: p.bool('no-trunc'), quiet: p.bool('quiet'), format: p.str('format') }),
  run: async (o, ctx) => {
    const now = Date.now()
    const rows = (await ctx.client.images.history(o.ref)).map((h) => historyRow(h, { trunc: !o.noTrunc, human: o.human, now }))
    ctx.stdout.write(renderList(historySpec(o.human), rows, o.format, o.quiet))
  },
}
