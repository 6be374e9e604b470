// `berth images` / `berth image ls`.
import type { CommandModule } from '../command.js'
import { parseFilterFlags } from '../../client/filters.js'
import type { Filters } from '../../client/types.js'
import { imageRows, imagesFormat, imagesSpec } from '../output/image-rows.js'
import { renderList } from '../output/list-format.js'
import { formatHelp } from './ps.js'

export interface ImagesOptions { all: boolean; quiet: boolean; noTrunc: boolean; digests: boolean; format?: string; filters: Filters }

export const command: CommandModule<ImagesOptions> = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  description: 'List images',
  flags: [
    { long: 'all', short: 'a', kind: 'bool', help: 'Show all images (default hides intermediate images)' },
    { long: 'digests', kind: 'bool', help: 'Show digests' },
    { long: 'filter', short: 'f', kind: 'list', type: 'filter', help: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'value', type: 'string', help: formatHelp },
    { long: 'no-trunc', kind: 'bool', help: "Don't truncate output" },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Only show image IDs' },
  ],
  args: { max: 1 },
  parse: (p) => {
    const filters = parseFilterFlags(p.list('filter'))
    if (p.args[0]) (filters['reference'] ??= []).push(p.args[0])
    return { all: p.bool('all'), quiet: p.bool('quiet'), noTrunc: p.bool('no-trunc'), digests: p.bool('digests'), format: p.str('format'), filters }
  },
  run: async (o, ctx) => {
    const list = await ctx.client.images.list({ all: o.all, filters: o.filters })
    const now = Date.now()
    const format = imagesFormat(o.format, o.digests)
    const digestsInFormat = format?.includes('{{.Digest}}') ?? false
    const rows = list.flatMap((img) => imageRows(img, { trunc: !o.noTrunc, digests: o.digests, digestsInFormat, now }))
    const out = renderList(imagesSpec(o.digests), rows, format, o.quiet)
    // -q lists each image once, as docker does
    ctx.stdout.write(o.quiet && !o.format ? [...new Set(out.split('\n').filter(Boolean))].map((l) => l + '\n').join('') : out)
  },
}
