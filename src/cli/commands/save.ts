// `berth save`: the daemon's tar of the images, to -o FILE or stdout (never to a terminal).
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { StatusError, type CommandModule } from '../command.js'

export const command: CommandModule<{ names: string[]; output?: string }> = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  description: 'Save one or more images to a tar archive (streamed to STDOUT by default)',
  flags: [{ long: 'output', short: 'o', kind: 'value', type: 'string', help: 'Write to a file, instead of STDOUT' }],
  args: { min: 1 },
  parse: (p) => ({ names: p.args, output: p.str('output') }),
  run: async (o, ctx) => {
    if (o.output === undefined && ctx.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect')
    const tar = await ctx.client.images.save(o.names)
    if (o.output !== undefined) await pipeline(tar, createWriteStream(o.output))
    else for await (const chunk of tar) ctx.stdout.write(chunk as Buffer)
  },
}
