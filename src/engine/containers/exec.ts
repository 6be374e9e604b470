// exec: a new process in every namespace and the cgroup of a running container, run through
// conmon (runc exec). Exec instances live in memory, as Docker's do, and die with the daemon.
import { mkdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { BerthError, invalid, notFound } from '../../lib/errors.js'
import { newId } from '../../lib/ids.js'
import { startExec, type ExecHandle } from '../../runtime/exec.js'
import { startDirectExec } from '../../runtime/exec-direct.js'
import { resolveUser } from '../../runtime/spec/user.js'
import { parseJson } from '../../runtime/spec/serialize.js'
import { assertCan } from './states.js'
import { containerDirs } from './rootfs.js'
import { mergeEnv } from './options.js'
import { AttachSession, type AttachSink } from './attach.js'
import type { ContainerDeps } from './deps.js'
import { runDirOf } from './start.js'

export interface ExecConfig {
  cmd: string[]
  env: string[]
  user: string
  workingDir: string
  tty: boolean
  privileged: boolean
  attachStdin: boolean
  attachStdout: boolean
  attachStderr: boolean
  detachKeys: Buffer
}

export interface ExecRecord {
  id: string
  containerId: string
  config: ExecConfig
  running: boolean
  exitCode: number | null
  pid: number
  handle?: ExecHandle
}

export class ExecStore {
  private readonly execs = new Map<string, ExecRecord>()

  add(r: ExecRecord): void {
    this.execs.set(r.id, r)
  }

  resolve(id: string): ExecRecord {
    const r = this.execs.get(id)
    if (!r) throw notFound(`No such exec instance: ${id}`)
    return r
  }

  forContainer(containerId: string): ExecRecord[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId)
  }

  dropContainer(containerId: string): void {
    for (const e of this.forContainer(containerId)) this.execs.delete(e.id)
  }
}

export function createExec(deps: ContainerDeps, execs: ExecStore, ref: string, config: ExecConfig): string {
  const c = deps.store.resolve(ref)
  assertCan('exec', c)
  if (config.cmd.length === 0) throw invalid('No exec command specified')
  const id = newId()
  execs.add({ id, containerId: c.id, config, running: false, exitCode: null, pid: 0 })
  deps.events.emit({ type: 'container', action: `exec_create: ${config.cmd.join(' ')}`, id: c.id, attributes: { name: c.name, execID: id } })
  return id
}

/**
 * Starts the exec. With a sink the caller receives output and gets a session for stdin; the
 * returned promise settles once the process is running. `done` settles with the exit code.
 */
export async function startExecInstance(
  deps: ContainerDeps,
  execs: ExecStore,
  execId: string,
  opts: { detach: boolean; sink?: AttachSink },
): Promise<{ session?: AttachSession; done: Promise<number> }> {
  const e = execs.resolve(execId)
  if (e.running || e.exitCode !== null) throw new BerthError('conflict', `Exec command ${execId} has already run`)
  const c = deps.store.resolve(e.containerId)
  assertCan('exec', c)
  e.running = true
  const execDir = join(deps.paths.execs, e.id.slice(0, 12))
  try {
    await mkdir(execDir, { recursive: true, mode: 0o700 })
    const process = await processSpec(deps, c.id, e.config)
    const detach = opts.detach || !opts.sink
    // Attached execs without a TTY need no monitor: runc with pipes is one process fewer.
    const start = !e.config.tty && !detach ? startDirectExec : startExec
    const handle = await start({
      containerId: c.id,
      execId: e.id,
      execDir,
      runcRoot: deps.paths.runcRoot,
      process,
      terminal: e.config.tty,
      stdin: e.config.attachStdin,
      detach,
    })
    e.handle = handle
    e.pid = handle.pid
    let session: AttachSession | undefined
    if (opts.sink && handle.attach) {
      session = new AttachSession(
        { stdin: e.config.attachStdin, stdout: e.config.attachStdout, stderr: e.config.attachStderr, detachKeys: e.config.detachKeys },
        opts.sink,
        () => undefined,
      )
      session.connect(handle.attach)
    }
    const done = handle.exited.then(
      (code) => finish(code),
      () => finish(126),
    )
    const finish = async (code: number) => {
      e.running = false
      e.exitCode = code
      // The exec dir goes in the background: the client is waiting for the exit code, not for this.
      void rm(execDir, { recursive: true, force: true })
      deps.events.emit({ type: 'container', action: 'exec_die', id: c.id, attributes: { name: c.name, execID: e.id, exitCode: String(code) } })
      return code
    }
    return { session, done }
  } catch (err) {
    e.running = false
    e.exitCode = 126
    await rm(execDir, { recursive: true, force: true })
    const msg = err instanceof Error ? err.message : String(err)
    if (/executable file not found|no such file/.test(msg)) e.exitCode = 127
    throw new BerthError('invalid', `OCI runtime exec failed: ${msg}`, { cause: err })
  }
}

/** The container's own process spec, with the exec's command, env, user, cwd and terminal. */
async function processSpec(deps: ContainerDeps, id: string, cfg: ExecConfig): Promise<Record<string, unknown>> {
  const c = deps.store.resolve(id)
  const bundle = parseJson(await readFile(join(runDirOf(deps, id), 'config.json'), 'utf8')) as { process: Record<string, unknown> }
  const base = bundle.process
  // The container's own user is already resolved in its spec; only another one needs a lookup.
  const user = cfg.user
    ? await resolveUser(containerDirs(deps.paths, id).merged, cfg.user)
    : (base.user as { uid: number; gid: number; additionalGids?: number[] })
  const env = mergeEnv(base.env as string[], cfg.env)
  if (cfg.tty && !env.some((v) => v.startsWith('TERM='))) env.push('TERM=xterm')
  const caps = cfg.privileged ? allCaps(deps.host.boundingCaps) : base.capabilities
  return {
    ...base,
    terminal: cfg.tty,
    args: cfg.cmd,
    env,
    cwd: cfg.workingDir || (base.cwd as string) || '/',
    user: { uid: user.uid, gid: user.gid, additionalGids: user.additionalGids ?? [] },
    capabilities: caps,
  }
}

function allCaps(bounding: string[]) {
  const caps = bounding.map((c) => (c.startsWith('CAP_') ? c : `CAP_${c}`))
  return { bounding: caps, effective: caps, permitted: caps }
}
