// `berth push [-a] [-q] NAME[:TAG]`: the daemon pushes; the CLI sends the stored login for the
// image's registry (X-Registry-Auth) and renders the daemon's progress messages as docker does.
import { BerthError } from '../../lib/errors.js'
import { familiarName, formatReference, parseReference, type Reference } from '../../lib/reference.js'
import { registryAuthFor } from '../credentials.js'
import { StatusError, line, type CommandModule } from '../command.js'
import { renderJsonMessages, terminalOf } from '../output/progress.js'

interface PushOptions {
  ref: Reference
  all: boolean
  quiet: boolean
}

export const command: CommandModule<PushOptions> = {
  usage: '[OPTIONS] NAME[:TAG]',
  description: 'Upload an image to a registry',
  flags: [
    { long: 'all-tags', short: 'a', kind: 'bool', help: 'Push all tags of an image to the repository' },
    { long: 'disable-content-trust', kind: 'bool', help: 'Skip image signing', defaultText: 'true', hidden: true },
    { long: 'platform', kind: 'value', type: 'string', help: 'Push a platform-specific manifest as a single-platform image to the registry', hidden: true },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => {
    let ref: Reference
    try {
      ref = parseReference(p.args[0]!)
    } catch (e) {
      if (e instanceof BerthError) throw new StatusError(1, e.message)
      throw e
    }
    return { ref, all: p.bool('all-tags'), quiet: p.bool('quiet') }
  },
  run: async (o, ctx) => {
    const nameOnly = o.ref.tag === undefined && o.ref.digest === undefined
    if (o.all && !nameOnly) throw new StatusError(1, "tag can't be used with --all-tags/-a")
    if (o.ref.digest !== undefined) throw new StatusError(1, 'cannot push a digest reference')
    const ref = { ...o.ref }
    if (!o.all && nameOnly) {
      ref.tag = 'latest'
      if (!o.quiet) line(ctx.stdout, 'Using default tag: latest')
    }
    const res = await ctx.client.images.push(familiarName(ref), o.all ? undefined : ref.tag, registryAuthFor(ctx.env, ref.domain))
    await renderJsonMessages(res, { out: ctx.stdout, ...terminalOf(ctx.stdout), quiet: o.quiet })
    if (o.quiet) line(ctx.stdout, formatReference(ref))
  },
}
