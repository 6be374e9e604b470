// Spawning conmon, the per-container monitor, with its pipes (ENVIRONMENT §2.2, §2.5).
// This is the only place in runtime/ that touches child_process: conmon needs extra fds
// (3 = sync pipe, 4 = start pipe, 5 = attach pipe for exec) that sys/exec.ts does not offer.
// TODO: move into sys/ once sys/exec grows an fd-passing spawn.
//
// Lifecycle: spawn → (caller may move conmon into a cgroup) → release() writes a start byte →
// the first conmon process double-forks and exits 0 (`exited`; never wait for 'close', the
// grandchild keeps the pipes) → conmon reports on the sync pipe, one JSON line per message.
import { spawn } from 'node:child_process'
import type { Readable, Writable } from 'node:stream'

/** One line conmon wrote on a sync or attach pipe: `{"data": N, "message": "…"}`. */
export interface SyncMessage {
  data: number
  message?: string
}

/** Reads JSON lines from a pipe, one at a time; undefined once the pipe is at EOF. */
export class LineReader {
  private buf = ''
  private lines: string[] = []
  private ended = false
  private waiting: Array<() => void> = []

  constructor(stream: Readable) {
    stream.setEncoding('utf8')
    stream.on('data', (d: string) => {
      this.buf += d
      let i: number
      while ((i = this.buf.indexOf('\n')) >= 0) {
        this.lines.push(this.buf.slice(0, i))
        this.buf = this.buf.slice(i + 1)
      }
      this.wake()
    })
    const end = () => {
      this.ended = true
      this.wake()
    }
    stream.on('end', end)
    stream.on('close', end)
    stream.on('error', end)
  }

  private wake() {
    const w = this.waiting
    this.waiting = []
    for (const f of w) f()
  }

  async next(): Promise<SyncMessage | undefined> {
    for (;;) {
      const line = this.lines.shift()
      if (line !== undefined) {
        if (line.trim() === '') continue
        return parseSyncMessage(line)
      }
      if (this.ended) return undefined
      await new Promise<void>((r) => this.waiting.push(r))
    }
  }
}

export function parseSyncMessage(line: string): SyncMessage {
  const v = JSON.parse(line) as { data?: unknown; message?: unknown }
  if (typeof v.data !== 'number') throw new Error(`conmon: unexpected sync message: ${line}`)
  return typeof v.message === 'string' ? { data: v.data, message: v.message } : { data: v.data }
}

export interface MonitorProcess {
  /** Exit code of the first conmon process (0 once it has forked the monitor). */
  exited: Promise<number>
  /** What the first conmon process wrote on stderr (option errors and the like). */
  stderr(): string
  sync: LineReader
  /** Only when spawned with attachPipe. */
  attach?: LineReader
  /** Writes one byte to the start pipe. */
  release(): void
  /** Closes every pipe end berth holds. */
  close(): void
}

export interface SpawnMonitorOptions {
  attachPipe?: boolean
  cwd?: string
}

export function spawnMonitor(binary: string, args: readonly string[], opts: SpawnMonitorOptions = {}): MonitorProcess {
  const env: NodeJS.ProcessEnv = { ...process.env, _OCI_SYNCPIPE: '3', _OCI_STARTPIPE: '4' }
  if (opts.attachPipe) env._OCI_ATTACHPIPE = '5'
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'ignore', 'pipe', 'pipe', 'pipe']
  if (opts.attachPipe) stdio.push('pipe')
  const child = spawn(binary, args, { stdio, env, cwd: opts.cwd, detached: true })
  const fds = child.stdio as unknown as Array<Readable & Writable>
  const pipes = fds.slice(2)
  for (const p of pipes) p.on('error', () => {}) // EPIPE when conmon died early: reported via exited/sync
  let err = ''
  child.stderr!.setEncoding('utf8')
  child.stderr!.on('data', (d: string) => {
    if (err.length < 64 * 1024) err += d
  })
  const exited = new Promise<number>((resolve) => {
    child.once('error', (e) => {
      err += e.message
      resolve(127)
    })
    child.once('exit', (code, signal) => resolve(code ?? 128 + (signal ? 9 : 0)))
  })
  child.unref()
  const start = fds[4]!
  return {
    exited,
    stderr: () => err.trim(),
    sync: new LineReader(fds[3]!),
    attach: opts.attachPipe ? new LineReader(fds[5]!) : undefined,
    release: () => {
      if (!start.destroyed) start.write(Buffer.from([0]))
    },
    close: () => {
      for (const p of pipes) p.destroy()
    },
  }
}
