// `berth network rm`: remove each network, printing its name; a failure is printed at once and
// the others still go; then docker 28's closing "exit status 1". -f ignores networks that do not
// exist. (docker first inspects each network to confirm removing a swarm ingress network; berth
// has no swarm, so it does not.)
import { ApiError } from '../../client/errors.js'
import { line, StatusError, type CommandModule } from '../command.js'
import { describe } from '../errors.js'

export const command: CommandModule<{ refs: string[]; force: boolean }> = {
  usage: 'NETWORK [NETWORK...]',
  description: 'Remove one or more networks',
  flags: [
    { long: 'force', short: 'f', kind: 'bool', help: 'Do not error if the network does not exist' },
  ],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, force: p.bool('force') }),
  run: async (o, ctx) => {
    let failed = false
    for (const ref of o.refs) {
      try {
        await ctx.client.networks.remove(ref)
      } catch (e) {
        if (o.force && e instanceof ApiError && e.status === 404) continue
        line(ctx.stderr, describe(e))
        failed = true
        continue
      }
      line(ctx.stdout, ref)
    }
    if (failed) throw new StatusError(1, 'exit status 1')
  },
}
