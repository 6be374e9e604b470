// `berth logout [SERVER]`: forgets a stored login in the shared config.json. As docker CLI 28 it
// also erases the URL-shaped keys older clients wrote, and always reports the removal.
import { INDEX_SERVER, eraseCredentials, hostnameOf } from '../credentials.js'
import { line, type CommandModule } from '../command.js'
import { describe } from '../errors.js'

export const command: CommandModule<{ server?: string }> = {
  usage: '[SERVER]',
  description: 'Log out from a registry',
  flags: [],
  args: { max: 1 },
  parse: (p) => ({ server: p.args[0] }),
  run: async (o, ctx) => {
    const server = o.server ?? INDEX_SERVER
    const hostname = o.server === undefined ? server : hostnameOf(server)
    const keys = o.server === undefined ? [server] : [server, hostname, `http://${hostname}`, `https://${hostname}`]
    line(ctx.stdout, `Removing login credentials for ${hostname}`)
    try {
      eraseCredentials(ctx.env, keys)
    } catch (e) {
      ctx.stderr.write(`WARNING: could not erase credentials:\n${server}: ${describe(e)}\n`) // docker still exits 0
    }
  },
}
