// `berth import file|URL|- [REPOSITORY[:TAG]]`: a root filesystem tarball becomes an image.
import { createReadStream } from 'node:fs'
import { jsonLines } from '../../client/transport.js'
import type { ProgressMessage } from '../../client/types.js'
import { line, StatusError, type CommandModule } from '../command.js'
import { splitRepoTag } from '../output/image-rows.js'

export interface ImportOptions { source: string; repo?: string; tag?: string; changes: string[]; message?: string; platform?: string }

export const command: CommandModule<ImportOptions> = {
  usage: '[OPTIONS] file|URL|- [REPOSITORY[:TAG]]',
  description: 'Import the contents from a tarball to create a filesystem image',
  flags: [
    { long: 'change', short: 'c', kind: 'list', type: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { long: 'message', short: 'm', kind: 'value', type: 'string', help: 'Set commit message for imported image' },
    { long: 'platform', kind: 'value', type: 'string', help: 'Set platform if server is multi-platform capable' },
  ],
  args: { min: 1, max: 2 },
  parse: (p) => {
    const [repo, tag] = p.args[1] ? splitRepoTag(p.args[1]) : [undefined, undefined]
    return { source: p.args[0]!, repo, tag, changes: p.list('change'), message: p.str('message'), platform: p.str('platform') }
  },
  run: async (o, ctx) => {
    const isUrl = /^(https?:\/\/|git:\/\/)/.test(o.source)
    const source = o.source === '-' ? ctx.stdin : isUrl ? o.source : createReadStream(o.source)
    const res = await ctx.client.images.importImage(source, o)
    for await (const m of jsonLines<ProgressMessage>(res)) {
      if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error)
      if (m.status && /^sha256:/.test(m.status)) line(ctx.stdout, m.status)
      else if (m.status) line(ctx.stderr, m.status)
    }
  },
}
