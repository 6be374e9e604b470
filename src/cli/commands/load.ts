// `berth load`: send a tar (from -i FILE or stdin) to the daemon and render its answer as docker
// does: on a terminal the daemon sends a "Loading layer" bar per layer; otherwise (or with -q)
// it is asked to be quiet and only the "Loaded image: …" lines come back.
import { open } from 'node:fs/promises'
import { StatusError, type CommandModule } from '../command.js'
import { renderJsonMessages, terminalOf } from '../output/progress.js'

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
    // opened before the daemon is contacted, as docker: a bad path is `open x: no such file…`
    const tar = o.input !== undefined ? (await open(o.input)).createReadStream() : ctx.stdin
    const term = terminalOf(ctx.stdout)
    const res = await ctx.client.images.load(tar, o.quiet || !term.isTTY)
    await renderJsonMessages(res, { out: ctx.stdout, ...term })
  },
}
