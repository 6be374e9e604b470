// `berth pull`: ask the daemon to pull, render its progress on stdout (bars on a terminal, each
// status change once otherwise), then print the full reference as docker does
// (`docker.io/library/busybox:latest`), with -q too. `-a` pulls every tag of a repository: the
// request carries no tag, and the reference printed is the repository's.
import { BerthError } from '../../lib/errors.js'
import { formatReference, normalizeReference, parseReference, type Reference } from '../../lib/reference.js'
import { registryAuthFor } from '../credentials.js'
import { StatusError, line, type CommandModule, type Context } from '../command.js'
import { pullImage, renderPull } from './create.js'

interface PullOptions {
  ref: string
  all: boolean
  platform?: string
  quiet: boolean
}

/** The reference as docker's CLI parses it, or parseReference's refusal (the daemon words it for a plain pull). */
function tryParse(ref: string): Reference | BerthError {
  try {
    return parseReference(ref)
  } catch (e) {
    if (e instanceof BerthError) return e
    throw e
  }
}

/** `pull -a NAME`: no tag parameter, so the daemon pulls every tag the registry lists. */
async function pullAllTags(ctx: Context, name: Reference, o: PullOptions): Promise<void> {
  const stream = await ctx.client.images.pull(formatReference(name), undefined, o.platform, registryAuthFor(ctx.env, name.domain))
  await renderPull(stream, ctx.stdout, o.quiet)
}

export const command: CommandModule<PullOptions> = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  description: 'Download an image from a registry',
  flags: [
    { long: 'all-tags', short: 'a', kind: 'bool', help: 'Download all tagged images in the repository' },
    { long: 'platform', kind: 'value', type: 'string', help: 'Set platform if server is multi-platform capable' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]!, all: p.bool('all-tags'), platform: p.str('platform'), quiet: p.bool('quiet') }),
  run: async (o, ctx) => {
    const parsed = tryParse(o.ref)
    const nameOnly = !(parsed instanceof BerthError) && parsed.tag === undefined && parsed.digest === undefined
    if (o.all) {
      if (parsed instanceof BerthError) throw new StatusError(1, parsed.message)
      if (!nameOnly) throw new StatusError(1, "tag can't be used with --all-tags/-a")
      await pullAllTags(ctx, parsed, o)
      line(ctx.stdout, formatReference(parsed))
      return
    }
    if (nameOnly && !o.quiet) line(ctx.stdout, 'Using default tag: latest')
    await pullImage(ctx, o.ref, o.platform, { out: ctx.stdout, quiet: o.quiet })
    line(ctx.stdout, formatReference(normalizeReference(o.ref)))
  },
}
