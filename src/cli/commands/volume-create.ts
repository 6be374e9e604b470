// `berth volume create`: flags into docker's create body, print the volume's name.
import { line, type CommandModule } from '../command.js'
import { kvToMap } from '../flags/env.js'
import { checkLabel } from '../flags/network-create.js'
import type { VolumeCreateBody } from '../../client/types.js'

/** Both names are kept until run: docker reports the conflict as a plain error (exit 1, no usage). */
export interface VolumeCreateOptions { body: VolumeCreateBody; flagName?: string; argName?: string }

export const command: CommandModule<VolumeCreateOptions> = {
  usage: '[OPTIONS] [VOLUME]',
  description: 'Create a volume',
  flags: [
    { long: 'driver', short: 'd', kind: 'value', type: 'string', help: 'Specify volume driver name', defaultText: '"local"' },
    { long: 'label', kind: 'list', type: 'list', help: 'Set metadata for a volume', check: checkLabel },
    { long: 'name', kind: 'value', type: 'string', help: 'Specify volume name', hidden: true },
    { long: 'opt', short: 'o', kind: 'list', type: 'map', help: 'Set driver specific options', defaultText: 'map[]' },
  ],
  args: { max: 1 },
  parse: (p) => ({
    body: { Driver: p.str('driver') ?? 'local', DriverOpts: kvToMap(p.list('opt')), Labels: kvToMap(p.list('label')) },
    flagName: p.str('name'),
    argName: p.args[0],
  }),
  run: async (o, ctx) => {
    if (o.flagName !== undefined && o.argName !== undefined)
      throw new Error('conflicting options: cannot specify a volume-name through both --name and as a positional arg')
    const body = { ...o.body, Name: o.flagName ?? o.argName ?? '' }
    line(ctx.stdout, (await ctx.client.volumes.create(body)).Name)
  },
}
