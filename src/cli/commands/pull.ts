// `berth pull`: ask the daemon to pull, render its progress on stdout (bars on a terminal, each
// status change once otherwise), then print the full reference as docker does
// (`docker.io/library/busybox:latest`), with -q too.
import { formatReference, normalizeReference } from '../../lib/reference.js'
import { line, type CommandModule } from '../command.js'
import { pullImage } from './create.js'

export const command: CommandModule<{ ref: string; platform?: string; quiet: boolean }> = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [
    { long: 'all-tags', short: 'a', kind: 'bool', help: 'Download all tagged images in the repository', hidden: true },
    { long: 'platform', kind: 'value', type: 'string', help: 'Set platform if server is multi-platform capable' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]!, platform: p.str('platform'), quiet: p.bool('quiet') }),
  run: async (o, ctx) => {
    await pullImage(ctx, o.ref, o.platform, { out: ctx.stdout, quiet: o.quiet })
    line(ctx.stdout, formatReference(normalizeReference(o.ref)))
  },
}
