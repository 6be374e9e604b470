// `berth exec`: create an exec instance, then either start it detached (-d) or hijack the
// connection and stream; the exit code is the process's.
import type { ExecCreateBody } from '../../client/exec.js'
import { StatusError, type CommandModule } from '../command.js'
import { readEnv, parseKVFile } from '../flags/env.js'
import { parseDetachKeys } from '../flags/units.js'
import { monitorTtySize, pump } from '../streams.js'
import { DEFAULT_DETACH_KEYS } from './run.js'
import { readFileSync } from 'node:fs'

export interface ExecOptions { ref: string; body: ExecCreateBody; detach: boolean; detachKeys?: string }

export const command: CommandModule<ExecOptions> = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  description: 'Execute a command in a running container',
  flags: [
    { long: 'detach', short: 'd', kind: 'bool', help: 'Detached mode: run command in the background' },
    { long: 'detach-keys', kind: 'value', type: 'string', help: 'Override the key sequence for detaching a container' },
    { long: 'env', short: 'e', kind: 'list', type: 'list', help: 'Set environment variables' },
    { long: 'env-file', kind: 'list', type: 'list', help: 'Read in a file of environment variables' },
    { long: 'interactive', short: 'i', kind: 'bool', help: 'Keep STDIN open even if not attached' },
    { long: 'privileged', kind: 'bool', help: 'Give extended privileges to the command' },
    { long: 'tty', short: 't', kind: 'bool', help: 'Allocate a pseudo-TTY' },
    { long: 'user', short: 'u', kind: 'value', type: 'string', help: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { long: 'workdir', short: 'w', kind: 'value', type: 'string', help: 'Working directory inside the container' },
  ],
  args: { min: 2 },
  stopAtPositional: true,
  parse: (p, io) => {
    const detach = p.bool('detach')
    const tty = p.bool('tty')
    const files = p.list('env-file').flatMap((f) => parseKVFile(readFileSync(f, 'utf8'), f, (n) => io.env[n]))
    const env = readEnv(files, p.list('env'), (n) => io.env[n])
    const detachKeys = p.str('detach-keys')
    if (detachKeys) parseDetachKeys(detachKeys)
    const body: ExecCreateBody = {
      User: p.str('user') ?? '',
      Privileged: p.bool('privileged'),
      Tty: tty,
      ...(tty && io.stdout.isTTY ? { ConsoleSize: [io.stdout.rows ?? 0, io.stdout.columns ?? 0] as [number, number] } : {}),
      AttachStdin: p.bool('interactive') && !detach,
      AttachStderr: !detach,
      AttachStdout: !detach,
      Detach: detach,
      DetachKeys: detachKeys ?? '',
      Env: env.length ? env : null,
      WorkingDir: p.str('workdir') ?? '',
      Cmd: p.args.slice(1),
    }
    return { ref: p.args[0]!, body, detach, detachKeys }
  },
  run: async (o, ctx) => {
    if (o.body.AttachStdin && o.body.Tty && !ctx.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY')
    const { Id } = await ctx.client.exec.create(o.ref, o.body)
    if (o.detach) {
      await ctx.client.exec.startDetached(Id, o.body.Tty)
      return 0
    }
    const h = await ctx.client.exec.start(Id, o.body.Tty, o.body.ConsoleSize ?? undefined)
    const stream = pump(h, ctx, { tty: o.body.Tty, stdin: o.body.AttachStdin, detachKeys: parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS) })
    const unresize = o.body.Tty ? monitorTtySize(ctx, (hh, w) => ctx.client.exec.resize(Id, hh, w)) : () => {}
    try {
      if ((await stream.done) === 'detached') return 0
    } finally {
      unresize()
    }
    const info = await ctx.client.exec.inspect(Id)
    return info.ExitCode ?? 0
  },
}
