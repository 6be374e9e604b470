// `berth attach`: connect the terminal to a running container's streams.
import type { WaitResponse } from '../../client/types.js'
import { StatusError, type CommandModule } from '../command.js'
import { parseDetachKeys } from '../flags/units.js'
import { monitorTtySize, proxySignals, pump } from '../streams.js'
import { DEFAULT_DETACH_KEYS } from './run.js'

export interface AttachOptions { ref: string; noStdin: boolean; sigProxy: boolean; detachKeys?: string }

export const command: CommandModule<AttachOptions> = {
  usage: '[OPTIONS] CONTAINER',
  description: 'Attach local standard input, output, and error streams to a running container',
  flags: [
    { long: 'detach-keys', kind: 'value', type: 'string', help: 'Override the key sequence for detaching a container' },
    { long: 'no-stdin', kind: 'bool', help: 'Do not attach STDIN' },
    { long: 'sig-proxy', kind: 'bool', help: 'Proxy all received signals to the process', defaultText: 'true' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => ({ ref: p.args[0]!, noStdin: p.bool('no-stdin'), sigProxy: p.bool('sig-proxy', true), detachKeys: p.str('detach-keys') }),
  run: async (o, ctx) => {
    const c = await ctx.client.containers.inspect(o.ref)
    if (!c.State.Running) throw new StatusError(1, 'You cannot attach to a stopped container, start it first')
    if (c.State.Paused) throw new StatusError(1, 'You cannot attach to a paused container, unpause it first')
    const tty = c.Config.Tty
    const stdin = !o.noStdin && c.Config.OpenStdin
    if (stdin && tty && !ctx.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY')
    const h = await ctx.client.containers.attach(c.Id, { stream: true, stdin, stdout: true, stderr: true, detachKeys: o.detachKeys })
    const stream = pump(h, ctx, { tty, stdin, detachKeys: parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS) })
    const unproxy = o.sigProxy && !tty ? proxySignals((sig) => ctx.client.containers.kill(c.Id, sig)) : () => {}
    const unresize = tty ? monitorTtySize(ctx, (hh, w) => ctx.client.containers.resize(c.Id, hh, w)) : () => {}
    try {
      if ((await stream.done) === 'detached') return 0
    } finally {
      unresize()
      unproxy()
    }
    const res = await ctx.client.transport.json<WaitResponse>({ method: 'POST', path: `/containers/${c.Id}/wait` }).catch(() => undefined)
    return res?.StatusCode ?? 0
  },
}
