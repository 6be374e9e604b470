// `berth save`: the daemon's tar of the images, to -o FILE or stdout (never to a terminal).
import { once } from 'node:events'
import { createWriteStream } from 'node:fs'
import type { Readable, Writable } from 'node:stream'
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
    else await writeAll(tar, ctx.stdout)
  },
}

/**
 * Copies to stdout honouring backpressure and waits until the last byte is handed to the OS:
 * the process exits right after, and a pipe to a slower reader would otherwise lose the tail.
 */
async function writeAll(from: Readable, to: Writable): Promise<void> {
  for await (const chunk of from) if (!to.write(chunk as Buffer)) await once(to, 'drain')
  await new Promise<void>((resolve, reject) => to.write('', (e) => (e ? reject(e) : resolve())))
}
