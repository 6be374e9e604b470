// `berth export [-o FILE] CONTAINER`: the container's filesystem as a tar, to a file or to stdout
// (never to a terminal).
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import { pipeline } from 'node:stream/promises'
import { StatusError, type CommandModule } from '../command.js'

export const command: CommandModule<{ ref: string; output?: string }> = {
  usage: '[OPTIONS] CONTAINER',
  description: "Export a container's filesystem as a tar archive",
  flags: [{ long: 'output', short: 'o', kind: 'value', type: 'string', help: 'Write to a file, instead of STDOUT' }],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]!, output: p.str('output') }),
  run: async (o, ctx) => {
    if (o.output === undefined && ctx.stdout.isTTY) throw new StatusError(1, 'cowardly refusing to save to a terminal. Use the -o flag or redirect')
    const tar = await ctx.client.containers.export(o.ref)
    if (o.output !== undefined) return pipeline(tar, createWriteStream(o.output))
    for await (const chunk of tar) if (!ctx.stdout.write(chunk as Buffer)) await once(ctx.stdout, 'drain')
    // the process exits right after: wait until the last byte is handed to the OS
    await new Promise<void>((resolve, reject) => ctx.stdout.write('', (e) => (e ? reject(e) : resolve())))
  },
}
