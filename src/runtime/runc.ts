// A thin wrapper on the runc CLI, always with `--root`. It owns no state: the engine decides
// what to do, this module only turns verbs into argv (pure, table-tested in runc.test.ts),
// runs them through sys/exec and turns runc's logrus stderr into plain messages.
// Container creation is not here: conmon runs `runc create` (see conmon.ts).
import { readFile, rm, rmdir } from 'node:fs/promises'
import { join } from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { run, type ExecResult } from '../sys/exec.js'
import { drainFifo } from '../sys/fifo.js'

export interface RuncState {
  status: string
  pid: number
}

export interface RuncListEntry {
  id: string
  status: string
  pid: number
}

/** The argv (after the binary) of one runc call. Pure. */
export const runcArgs = {
  start: (root: string, id: string) => ['--root', root, 'start', id],
  kill: (root: string, id: string, signal: string | number, all = false) =>
    ['--root', root, 'kill', ...(all ? ['--all'] : []), id, String(signal)],
  delete: (root: string, id: string, force = false) => ['--root', root, 'delete', ...(force ? ['--force'] : []), id],
  pause: (root: string, id: string) => ['--root', root, 'pause', id],
  resume: (root: string, id: string) => ['--root', root, 'resume', id],
  state: (root: string, id: string) => ['--root', root, 'state', id],
  list: (root: string) => ['--root', root, 'list', '--format', 'json'],
  ps: (root: string, id: string) => ['--root', root, 'ps', '--format', 'json', id],
}

/**
 * runc logs errors as logrus lines: `time="…" level=error msg="container does not exist"`.
 * Returns the msg values (joined by "; "), or the trimmed text when it is not logrus.
 */
export function runcMessage(stderr: string): string {
  const msgs: string[] = []
  for (const line of stderr.split('\n')) {
    const m = /(?:^|\s)msg=("(?:[^"\\]|\\.)*"|\S+)/.exec(line)
    if (!m) continue
    const raw = m[1]!
    msgs.push(raw.startsWith('"') ? (JSON.parse(raw) as string) : raw)
  }
  return msgs.length > 0 ? msgs.join('; ') : stderr.trim()
}

const isMissing = (message: string) => /container does not exist|container with id .* does not exist/.test(message)

/** Runs a program; the interface exists so unit tests can drive failure paths. */
export type RunFn = (file: string, args: readonly string[]) => Promise<ExecResult>

export class RuncError extends Error {
  constructor(
    readonly verb: string,
    readonly id: string,
    readonly runcMessage: string,
    readonly code: number,
  ) {
    super(`runc ${verb} ${id}: ${runcMessage || `exit status ${code}`}`)
    this.name = 'RuncError'
  }
  get isMissing(): boolean {
    return isMissing(this.runcMessage)
  }
}

export class Runc {
  constructor(
    readonly root: string,
    readonly binary = '/usr/sbin/runc',
    private readonly runFn: RunFn = run,
  ) {}

  private async call(verb: string, id: string, args: string[]): Promise<string> {
    const r = await this.runFn(this.binary, args)
    if (r.code !== 0) throw new RuncError(verb, id, runcMessage(r.stderr || r.stdout), r.code)
    return r.stdout
  }

  /**
   * Lets a created container run. This is what `runc start` does — read the exec FIFO the waiting
   * init process holds open, then remove it — done here to save a runc process on the hot path
   * (docs/adr/0005-runc-fast-paths.md). Anything unexpected falls back to `runc start`.
   */
  async start(id: string): Promise<void> {
    const fifo = join(this.root, id, 'exec.fifo')
    let data: Buffer
    try {
      data = await drainFifo(fifo)
    } catch {
      await this.call('start', id, runcArgs.start(this.root, id))
      return
    }
    // Nothing read: either init is dead, or it has not opened the FIFO for writing yet (`runc
    // create` returns before it does; under load the gap is long). runc start tells them apart.
    if (data.length === 0) {
      await this.call('start', id, runcArgs.start(this.root, id))
      return
    }
    await rm(fifo, { force: true })
  }

  /**
   * Removes a container whose process has exited: what `runc delete` does for a stopped container
   * without hooks — remove its cgroups (paths from runc's own state.json) and its state dir —
   * without starting runc. Falls back to `runc delete --force` when anything does not fit.
   */
  async release(id: string): Promise<void> {
    const dir = join(this.root, id)
    try {
      const state = JSON.parse(await readFile(join(dir, 'state.json'), 'utf8')) as {
        init_process_pid: number
        cgroup_paths: Record<string, string>
        config?: { hooks?: Record<string, unknown[]> | null }
      }
      const hasHooks = Object.values(state.config?.hooks ?? {}).some((h) => Array.isArray(h) && h.length > 0)
      if (hasHooks || isAlive(state.init_process_pid)) throw new Error('not a plain stopped container')
      for (const path of new Set(Object.values(state.cgroup_paths))) await removeCgroup(path)
      await rm(dir, { recursive: true, force: true })
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return // runc does not know it
      await this.delete(id, true)
    }
  }

  async kill(id: string, signal: string | number, all = false): Promise<void> {
    await this.call('kill', id, runcArgs.kill(this.root, id, signal, all))
  }

  /** A container runc does not know is not an error. */
  async delete(id: string, force = false): Promise<void> {
    try {
      await this.call('delete', id, runcArgs.delete(this.root, id, force))
    } catch (e) {
      if (!(e instanceof RuncError && e.isMissing)) throw e
    }
  }

  async pause(id: string): Promise<void> {
    await this.call('pause', id, runcArgs.pause(this.root, id))
  }

  async resume(id: string): Promise<void> {
    await this.call('resume', id, runcArgs.resume(this.root, id))
  }

  /** undefined when runc does not know the container. */
  async state(id: string): Promise<RuncState | undefined> {
    try {
      const out = await this.call('state', id, runcArgs.state(this.root, id))
      const s = JSON.parse(out) as { status: string; pid: number }
      return { status: s.status, pid: s.pid }
    } catch (e) {
      if (e instanceof RuncError && e.isMissing) return undefined
      throw e
    }
  }

  async list(): Promise<RuncListEntry[]> {
    const out = await this.call('list', '', runcArgs.list(this.root))
    return parseList(out)
  }

  /** Host pids of the container's processes. */
  async ps(id: string): Promise<number[]> {
    const out = await this.call('ps', id, runcArgs.ps(this.root, id))
    const pids = JSON.parse(out) as number[] | null
    return pids ?? []
  }
}

/** `runc list --format json` prints `null` when there are no containers. */
export function parseList(out: string): RuncListEntry[] {
  const rows = JSON.parse(out) as Array<{ id: string; status: string; pid: number }> | null
  return (rows ?? []).map((r) => ({ id: r.id, status: r.status, pid: r.pid }))
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/** rmdir a cgroup; the kernel may still count exiting tasks for a moment (EBUSY): retry briefly. */
async function removeCgroup(path: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      await rmdir(path)
      return
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code
      if (code === 'ENOENT') return
      if (code !== 'EBUSY' || attempt >= 20) throw e
      await sleep(5)
    }
  }
}
