// `berth tag SOURCE TARGET[:TAG]`.
import type { CommandModule } from '../command.js'
import { splitRepoTag } from '../output/image-rows.js'

export const command: CommandModule<{ source: string; repo: string; tag?: string }> = {
  usage: 'SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]',
  description: 'Create a tag TARGET_IMAGE that refers to SOURCE_IMAGE',
  flags: [],
  args: { min: 2, max: 2 },
  parse: (p) => {
    const [repo, tag] = splitRepoTag(p.args[1]!)
    return { source: p.args[0]!, repo, tag }
  },
  run: async (o, ctx) => {
    await ctx.client.images.tag(o.source, o.repo, o.tag)
  },
}
