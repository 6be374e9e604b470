// `berth run`: create, then (unless -d) attach before start, wait for the exit and return the
// container's code; -d prints the full ID. Failures before the process runs exit 125/126/127.
import type { WaitResponse } from '../../client/types.js'
import type { CommandModule, Context, Io } from '../command.js'
import { line, StatusError } from '../command.js'
import { describe, runStatusError } from '../errors.js'
import { runFlags } from '../flags/container.js'
import type { CreateRequest } from '../flags/create-body.js'
import type { Parsed } from '../flags/parser.js'
import { parseDetachKeys } from '../flags/units.js'
import { monitorTtySize, proxySignals, pump, type Pump } from '../streams.js'
import { createContainer, requestFromFlags } from './create.js'

export interface RunOptions {
  req: CreateRequest
  detach: boolean
  detachKeys?: string
  sigProxy: boolean
}

export const DEFAULT_DETACH_KEYS = 'ctrl-p,ctrl-q'

export function parseRun(p: Parsed, io: Io): RunOptions {
  const req = requestFromFlags(p, io)
  const detach = p.bool('detach')
  const body = req.body as Record<string, unknown>
  if (detach) {
    if (p.list('attach').length) throw new Error('conflicting options: cannot specify both --attach and --detach')
    Object.assign(body, { AttachStdin: false, AttachStdout: false, AttachStderr: false, StdinOnce: false })
  }
  const detachKeys = p.str('detach-keys')
  if (detachKeys !== undefined) parseDetachKeys(detachKeys)
  return { req, detach, detachKeys, sigProxy: p.bool('sig-proxy', true) }
}

export const command: CommandModule<RunOptions> = {
  usage: '[OPTIONS] IMAGE [COMMAND] [ARG...]',
  description: 'Create and run a new container from an image',
  flags: runFlags,
  args: { min: 1 },
  stopAtPositional: true,
  parse: parseRun,
  run: async (o, ctx) => runContainer(o, ctx),
}

async function runContainer(o: RunOptions, ctx: Context): Promise<number> {
  const body = o.req.body as { AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; Tty: boolean; HostConfig: { AutoRemove: boolean } }
  if (!o.detach && body.AttachStdin && body.Tty && !ctx.stdin.isTTY) throw new StatusError(1, 'the input device is not a TTY')
  let id: string
  try {
    id = await createContainer(ctx, o.req)
  } catch (e) {
    throw runStatusError(e, ctx.path)
  }
  const attach = body.AttachStdin || body.AttachStdout || body.AttachStderr
  const containers = ctx.client.containers
  const unproxy = o.sigProxy && !body.Tty ? proxySignals((sig) => containers.kill(id, sig)) : () => {}
  let stream: Pump | undefined
  try {
    if (attach) {
      const h = await containers.attach(id, { stream: true, stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, detachKeys: o.detachKeys })
      stream = pump(h, ctx, { tty: body.Tty, stdin: body.AttachStdin, detachKeys: parseDetachKeys(o.detachKeys ?? DEFAULT_DETACH_KEYS) })
    }
    const status = await ctx.client.transport.pending<WaitResponse>({ method: 'POST', path: `/containers/${id}/wait`, query: { condition: body.HostConfig.AutoRemove ? 'removed' : 'next-exit' } })
    try {
      await containers.start(id)
    } catch (e) {
      stream?.close()
      if (body.HostConfig.AutoRemove) await status.result.catch(() => undefined)
      throw runStatusError(e, ctx.path)
    }
    if (!stream) {
      line(ctx.stdout, id)
      return 0
    }
    const unresize = body.Tty ? monitorTtySize(ctx, (h, w) => containers.resize(id, h, w)) : () => {}
    try {
      const first = await Promise.race([stream.done, status.result.then(() => 'status' as const)])
      if (first === 'detached') return 0
      if (first === 'status' && !body.AttachStdout && !body.AttachStderr) stream.close()
      await stream.done
      const res = await status.result
      if (res.Error?.Message) throw new StatusError(125, `berth: ${res.Error.Message}`)
      return res.StatusCode
    } finally {
      unresize()
    }
  } catch (e) {
    if (e instanceof StatusError) throw e
    throw new StatusError(125, `berth: ${describe(e)}`)
  } finally {
    unproxy()
  }
}
