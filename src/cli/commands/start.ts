// `berth start`: start containers and print their refs, or with -a attach to one and return its
// exit code (as run does).
import type { WaitResponse } from '../../client/types.js'
import { line, StatusError, type CommandModule } from '../command.js'
import { describe, forEachRef } from '../errors.js'
import { parseDetachKeys } from '../flags/units.js'
import { monitorTtySize, proxySignals, pump } from '../streams.js'
import { DEFAULT_DETACH_KEYS } from './run.js'

export interface StartOptions { refs: string[]; attach: boolean; interactive: boolean; detachKeys?: string }

export const command: CommandModule<StartOptions> = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  description: 'Start one or more stopped containers',
  flags: [
    { long: 'attach', short: 'a', kind: 'bool', help: 'Attach STDOUT/STDERR and forward signals' },
    { long: 'detach-keys', kind: 'value', type: 'string', help: 'Override the key sequence for detaching a container' },
    { long: 'interactive', short: 'i', kind: 'bool', help: "Attach container's STDIN" },
  ],
  args: { min: 1 },
  parse: (p) => ({ refs: p.args, attach: p.bool('attach'), interactive: p.bool('interactive'), detachKeys: p.str('detach-keys') }),
  run: async (o, ctx) => {
    if (!o.attach && !o.interactive) {
      return forEachRef(o.refs, async (ref) => {
        await ctx.client.containers.start(ref)
        line(ctx.stdout, ref)
      })
    }
    if (o.refs.length > 1) throw new StatusError(1, 'you cannot start and attach multiple containers at once')
    const c = await ctx.client.containers.inspect(o.refs[0]!)
    const tty = c.Config.Tty
    const stdin = o.interactive && c.Config.OpenStdin
    const h = await ctx.client.containers.attach(c.Id, { stream: true, stdin, stdout: true, stderr: true, detachKeys: o.detachKeys })
    const stream = pump(h, ctx, { tty, stdin, detachKeys: parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS) })
    const unproxy = tty ? () => {} : proxySignals((sig) => ctx.client.containers.kill(c.Id, sig))
    try {
      const status = await ctx.client.transport.pending<WaitResponse>({ method: 'POST', path: `/containers/${c.Id}/wait`, query: { condition: c.HostConfig.AutoRemove ? 'removed' : 'next-exit' } })
      try {
        await ctx.client.containers.start(c.Id)
      } catch (e) {
        stream.close()
        throw new StatusError(1, describe(e))
      }
      const unresize = tty ? monitorTtySize(ctx, (hh, w) => ctx.client.containers.resize(c.Id, hh, w)) : () => {}
      if ((await stream.done) === 'detached') return 0
      unresize()
      return (await status.result).StatusCode
    } finally {
      unproxy()
    }
  },
}
