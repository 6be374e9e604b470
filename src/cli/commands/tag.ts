// `berth tag SOURCE TARGET[:TAG]`. Both names are checked here first, as the docker CLI does,
// so a bad target fails with its own text, not a daemon's.
import { StatusError, type CommandModule } from '../command.js'
import { BerthError } from '../../lib/errors.js'
import { parseReference } from '../../lib/reference.js'
import { splitRepoTag } from '../output/image-rows.js'

/** Docker's client-side check: `Error parsing reference: "X" is not a valid repository/tag: …`. */
export function checkTagRefs(source: string, target: string): void {
  const check = (ref: string, allowId: boolean) => {
    if (allowId && /^(sha256:)?[0-9a-f]{64}$/.test(ref)) return
    try {
      return parseReference(ref)
    } catch (e) {
      if (!(e instanceof BerthError)) throw e
      throw new StatusError(1, `Error parsing reference: ${JSON.stringify(ref)} is not a valid repository/tag: ${e.message}`)
    }
  }
  check(source, true)
  if (check(target, false)?.digest !== undefined) throw new StatusError(1, 'refusing to create a tag with a digest reference')
}

export const command: CommandModule<{ source: string; target: string; repo: string; tag?: string }> = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: { min: 2, max: 2 },
  parse: (p) => {
    const [repo, tag] = splitRepoTag(p.args[1]!)
    return { source: p.args[0]!, target: p.args[1]!, repo, tag }
  },
  run: async (o, ctx) => {
    checkTagRefs(o.source, o.target)
    await ctx.client.images.tag(o.source, o.repo, o.tag)
  },
}
