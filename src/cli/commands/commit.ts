// `berth commit [OPTIONS] CONTAINER [REPOSITORY[:TAG]]`: the container's changes become an image;
// prints its ID.
import { line, StatusError, type CommandModule } from '../command.js'
import { familiarName, parseReference } from '../../lib/reference.js'

export interface CommitOptions { ref: string; reference?: string; author?: string; message?: string; changes: string[]; pause: boolean }

/** As the docker CLI does before it sends anything: the reference is checked here, digests refused. */
function repoTag(input: string): { repo: string; tag?: string } {
  const ref = parseReference(input)
  if (ref.digest !== undefined) throw new StatusError(1, 'refusing to create a tag with a digest reference')
  return { repo: familiarName(ref), tag: ref.tag ?? 'latest' }
}

export const command: CommandModule<CommitOptions> = {
  usage: '[OPTIONS] CONTAINER [REPOSITORY[:TAG]]',
  description: "Create a new image from a container's changes",
  flags: [
    { long: 'author', short: 'a', kind: 'value', type: 'string', help: 'Author (e.g., "John Hannibal Smith <hannibal@a-team.com>")' },
    { long: 'change', short: 'c', kind: 'list', type: 'list', help: 'Apply Dockerfile instruction to the created image' },
    { long: 'message', short: 'm', kind: 'value', type: 'string', help: 'Commit message' },
    { long: 'pause', short: 'p', kind: 'bool', help: 'Pause container during commit', defaultText: 'true' },
  ],
  args: { min: 1, max: 2 },
  parse: (p) => {
    return { ref: p.args[0]!, reference: p.args[1], author: p.str('author'), message: p.str('message'), changes: p.list('change'), pause: p.bool('pause', true) }
  },
  run: async (o, ctx) => {
    const { repo, tag } = o.reference !== undefined ? repoTag(o.reference) : {}
    const { Id } = await ctx.client.containers.commit(o.ref, { repo, tag, author: o.author, comment: o.message, changes: o.changes, pause: o.pause })
    line(ctx.stdout, Id)
  },
}
