// `berth load`: send a tar (from -i FILE or stdin) to the daemon, print what it loaded.
import { createReadStream } from 'node:fs'
import { jsonLines } from '../../client/transport.js'
import type { ProgressMessage } from '../../client/types.js'
import { StatusError, type CommandModule } from '../command.js'

export const command: CommandModule<{ input?: string; quiet: boolean }> = {
  usage: '[OPTIONS]',
  description: 'Load an image from a tar archive or STDIN',
  flags: [
    { long: 'input', short: 'i', kind: 'value', type: 'string', help: 'Read from tar archive file, instead of STDIN' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress the load output' },
  ],
  args: { max: 0 },
  parse: (p) => ({ input: p.str('input'), quiet: p.bool('quiet') }),
  run: async (o, ctx) => {
    if (o.input === undefined && ctx.stdin.isTTY) throw new StatusError(1, 'requested load from stdin, but stdin is empty')
    const tar = o.input !== undefined ? createReadStream(o.input) : ctx.stdin
    const res = await ctx.client.images.load(tar, o.quiet)
    for await (const m of jsonLines<ProgressMessage>(res)) {
      if (m.error) throw new StatusError(1, m.errorDetail?.message ?? m.error)
      if (m.stream) ctx.stdout.write(m.stream)
      else if (m.status && !o.quiet) ctx.stdout.write(`${m.id ? `${m.id}: ` : ''}${m.status}\n`)
    }
  },
}
