// Attaching clients to a container's stdio through conmon's attach socket. A client that attaches
// before start (docker run does) waits here and is connected by start.ts after conmon created the
// container and before runc starts it, so no output is lost.
import { attach as connectAttach, type AttachStream } from '../../runtime/attach.js'
import { BerthError } from '../../lib/errors.js'

export interface AttachSink {
  /** stream 1 = stdout, 2 = stderr (with a TTY everything arrives as 1) */
  output(stream: 1 | 2, chunk: Buffer): void
  /** The container's side is gone (exit, or the socket closed). */
  closed(): void
}

export interface AttachOptions {
  stdin: boolean
  stdout: boolean
  stderr: boolean
  /** Byte sequence that detaches the client (default ctrl-p ctrl-q). Empty = none. */
  detachKeys: Buffer
}

/** The client's handle: stdin in, detach or hang up. */
export class AttachSession {
  private stream?: AttachStream
  private pending: Buffer[] = []
  private stdinEnded = false
  private done = false
  private matched = 0

  constructor(
    readonly opts: AttachOptions,
    private readonly sink: AttachSink,
    private readonly onDetach: () => void,
  ) {}

  connect(stream: AttachStream): void {
    if (this.done) {
      stream.close()
      return
    }
    this.stream = stream
    stream.on('data', (s, chunk) => {
      if ((s === 1 && this.opts.stdout) || (s === 2 && this.opts.stderr)) this.sink.output(s, chunk)
    })
    stream.on('close', () => this.finish())
    for (const b of this.pending) stream.write(b)
    this.pending = []
    if (this.stdinEnded) stream.end()
  }

  /** Stdin from the client; watches for the detach sequence. */
  write(data: Buffer): void {
    if (!this.opts.stdin || this.done) return
    const keys = this.opts.detachKeys
    if (keys.length > 0) {
      for (let i = 0; i < data.length; i++) {
        this.matched = data[i] === keys[this.matched] ? this.matched + 1 : data[i] === keys[0] ? 1 : 0
        if (this.matched === keys.length) {
          const before = data.subarray(0, Math.max(0, i + 1 - keys.length))
          if (before.length > 0) this.send(before)
          this.detach()
          return
        }
      }
    }
    this.send(data)
  }

  private send(b: Buffer) {
    if (this.stream) this.stream.write(b)
    else this.pending.push(b)
  }

  endStdin(): void {
    if (!this.opts.stdin || this.stdinEnded) return
    this.stdinEnded = true
    this.stream?.end()
  }

  detach(): void {
    this.onDetach()
    this.hangUp()
  }

  /** The client went away: drop our connection to conmon. */
  hangUp(): void {
    if (this.done) return
    this.done = true
    this.stream?.close()
    this.sink.closed()
  }

  private finish(): void {
    if (this.done) return
    this.done = true
    this.sink.closed()
  }

  get isDone(): boolean {
    return this.done
  }
}

export class AttachHub {
  private readonly waiting = new Map<string, Set<AttachSession>>()

  /** Registers a session to be connected when the container starts. */
  wait(id: string, session: AttachSession): void {
    let set = this.waiting.get(id)
    if (!set) this.waiting.set(id, (set = new Set()))
    set.add(session)
  }

  /** Connects every waiting session; called by start between conmon's create and runc start. */
  async connectWaiting(id: string, socketPath: string): Promise<void> {
    const set = this.waiting.get(id)
    this.waiting.delete(id)
    if (!set) return
    await Promise.all(
      [...set].filter((s) => !s.isDone).map(async (s) => s.connect(await connectAttach(socketPath))),
    )
  }

  async connectNow(socketPath: string, session: AttachSession): Promise<void> {
    try {
      session.connect(await connectAttach(socketPath))
    } catch (e) {
      throw new BerthError('conflict', `attach: ${(e as Error).message}`)
    }
  }

  /** The container will not start after all (start failed or it was removed). */
  closeWaiting(id: string): void {
    const set = this.waiting.get(id)
    this.waiting.delete(id)
    for (const s of set ?? []) s.hangUp()
  }
}
