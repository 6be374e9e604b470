// Streams of a container: attach (hijacked), logs, wait.
import { PassThrough, Readable } from 'node:stream'
import type { Duplex } from 'node:stream'
import type { Engine } from '../../engine/engine.js'
import type { AttachSink } from '../../engine/containers/attach.js'
import type { WaitCondition } from '../../engine/containers/misc.js'
import type { ApiRequest, Route } from '../types.js'
import { frame } from '../stdcopy.js'
import { invalid } from '../../lib/errors.js'
import { atLeast } from '../version.js'
import { parseDetachKeys } from '../wire/detach-keys.js'
import { logTimestamp, parseTimeParam } from '../wire/time.js'
import { boolParam } from '../wire/query.js'

/** moby names the multiplexed type only on upgraded connections of API 1.42 and later. */
export const streamContentType = (req: ApiRequest, tty: boolean) =>
  !tty && atLeast(req.version, '1.42') && !!req.headers.upgrade
    ? 'application/vnd.docker.multiplexed-stream'
    : 'application/vnd.docker.raw-stream'

/**
 * A sink that writes to the hijacked socket once it exists; output that comes earlier waits.
 * TTY output is raw; otherwise each chunk is framed with Docker's 8-byte stdcopy header.
 */
export class SocketSink implements AttachSink {
  private socket?: Duplex
  private queue: Buffer[] = []
  private ended = false
  private outputDone = false
  private finishAsked = false

  /**
   * deferClose (exec): the connection ends only once both the output stream is done and finish()
   * was called (the exit code is recorded), so a client that inspects the exec next sees it.
   */
  constructor(
    private readonly tty: boolean,
    private readonly deferClose = false,
  ) {}

  bind(socket: Duplex): void {
    this.socket = socket
    for (const b of this.queue) socket.write(b)
    this.queue = []
    if (this.ended) socket.end()
  }

  output(stream: 1 | 2, chunk: Buffer): void {
    const data = this.tty ? chunk : frame(stream, chunk)
    if (this.socket) this.socket.write(data)
    else this.queue.push(data)
  }

  closed(): void {
    this.outputDone = true
    if (!this.deferClose || this.finishAsked) this.end()
  }

  /** The exit code is known. Output still in flight gets a short grace period to arrive. */
  finish(opts: { hasOutput: boolean } = { hasOutput: false }): void {
    this.finishAsked = true
    if (this.outputDone || !opts.hasOutput) this.end()
    else setTimeout(() => this.end(), 2000).unref()
  }

  private end(): void {
    if (this.ended) return
    this.ended = true
    this.socket?.end()
  }
}

export function containerIoRoutes(engine: Engine): Route[] {
  const cs = engine.containers
  return [
    {
      method: 'POST',
      pattern: '/containers/{id}/attach',
      handler: async (req) => {
        const { params, query } = req
        const c = cs.inspect(params.id!)
        if (!boolParam(query, 'stream') && !boolParam(query, 'logs')) throw invalid('Bad parameters: you must choose at least one stream')
        const tty = !!c.config.Tty
        const sink = new SocketSink(tty)
        const session = await cs.attach(
          c.id,
          {
            stdin: boolParam(query, 'stdin'),
            stdout: boolParam(query, 'stdout'),
            stderr: boolParam(query, 'stderr'),
            detachKeys: parseDetachKeys(query.get('detachKeys')),
          },
          sink,
        )
        return {
          contentType: streamContentType(req, tty),
          hijack: ({ socket, head }) => {
            sink.bind(socket)
            if (head.length > 0) session.write(head)
            socket.on('data', (d: Buffer) => session.write(d))
            socket.on('end', () => session.endStdin())
            socket.on('close', () => session.hangUp())
            socket.on('error', () => session.hangUp())
          },
        }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/logs',
      handler: (req) => {
        const { params, query } = req
        const c = cs.inspect(params.id!)
        const stdout = boolParam(query, 'stdout')
        const stderr = boolParam(query, 'stderr')
        if (!stdout && !stderr) throw invalid('Bad parameters: you must choose at least one stream')
        const tailRaw = query.get('tail')
        const tail = !tailRaw || tailRaw === 'all' ? undefined : Number(tailRaw)
        if (tail !== undefined && !Number.isInteger(tail)) throw invalid(`invalid value for tail: ${tailRaw}`)
        const since = parseTimeParam(query.get('since'))
        const until = parseTimeParam(query.get('until'))
        const timestamps = boolParam(query, 'timestamps')
        // --details puts the log's extra attributes before each line; berth's logs carry none,
        // so what remains is dockerd's separating space.
        const details = boolParam(query, 'details')
        const tty = !!c.config.Tty
        const abort = new AbortController()
        const entries = cs.logs(c.id, { tail: tail !== undefined && tail >= 0 ? tail : undefined, since, until, follow: boolParam(query, 'follow'), signal: abort.signal })
        async function* body() {
          for await (const e of entries) {
            const stream = e.stream === 'stdout' ? 1 : 2
            if ((stream === 1 && !stdout) || (stream === 2 && !stderr)) continue
            const prefix = (timestamps ? logTimestamp(e.time) + ' ' : '') + (details ? ' ' : '')
            const line = prefix ? Buffer.concat([Buffer.from(prefix), e.line]) : e.line
            yield tty ? line : frame(stream, line)
          }
        }
        const out = Readable.from(body())
        out.on('close', () => abort.abort())
        return { stream: out, contentType: streamContentType(req, tty) }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/wait',
      handler: ({ params, query }) => {
        const condition = (query.get('condition') || 'not-running') as WaitCondition
        if (!['not-running', 'next-exit', 'removed'].includes(condition)) throw invalid(`invalid condition: "${condition}"`)
        const c = cs.inspect(params.id!)
        const result = cs.wait(c.id, condition)
        // Headers go out at once: the docker CLI starts the container only after they arrive.
        const out = new PassThrough()
        result.then(
          (r) => out.end(JSON.stringify({ StatusCode: r.code, Error: r.error ? { Message: r.error } : null }) + '\n'),
          (e: unknown) => out.end(JSON.stringify({ StatusCode: -1, Error: { Message: String((e as Error).message) } }) + '\n'),
        )
        return { stream: out, contentType: 'application/json' }
      },
    },
  ]
}
