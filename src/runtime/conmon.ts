// Creating a container under conmon, the per-container monitor (ENVIRONMENT §2.1–2.3).
// conmon runs `runc create`, stays as the container's parent (subreaper), copies its output
// to the k8s-file log and to attach clients, and writes the exit code to <exitDir>/<id> and
// <runDir>/persist/exit when the container ends. berth runs `runc start` itself (runc.ts).
//
// Terms: the *bundle* holds config.json and, once conmon runs, the attach socket and the ctl/winsz
// fifos; the *run dir* holds conmon's pid files and persist/ (exit, oom). They may be the same dir.
import { mkdir, readFile, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { runcMessage } from './runc.js'
import { spawnMonitor, type MonitorProcess } from '../sys/monitor-process.js'

export const CONMON = '/usr/bin/conmon'
export const RUNC = '/usr/sbin/runc'

export interface CreateRequest {
  id: string
  name: string
  /** Dir with config.json; conmon puts attach, ctl and winsz here. */
  bundle: string
  /** conmon's userdata: pidfile, conmon.pid, persist/. */
  runDir: string
  logPath: string
  terminal: boolean
  stdin: boolean
  leaveStdinOpen: boolean
  exitDir: string
  socketDir: string
  runcRoot: string
  conmonBinary?: string
  runcBinary?: string
}

/** conmon's argv for creating a container. Pure. */
export function createArgs(req: CreateRequest): string[] {
  const args = [
    '--api-version', '1',
    '-c', req.id,
    // The attach socket's link is named by -u: a short ID keeps the path under sun_path's 108 bytes.
    '-u', req.id.slice(0, 12),
    '-n', req.name,
    '-r', req.runcBinary ?? RUNC,
    '--runtime-arg', '--root', '--runtime-arg', req.runcRoot,
    '-b', req.bundle,
    '-p', join(req.runDir, 'pidfile'),
    '-P', join(req.runDir, 'conmon.pid'),
    '-l', `k8s-file:${req.logPath}`,
    '--exit-dir', req.exitDir,
    '--persist-dir', join(req.runDir, 'persist'),
    '--socket-dir-path', req.socketDir,
    '--log-level', 'error',
  ]
  // With a TTY, stdin goes through the pty master whatever -i says; -i only adds
  // "close stdin when the last client leaves", which podman does not want for TTYs either.
  if (req.terminal) args.push('-t')
  else if (req.stdin) args.push('-i')
  if (req.stdin && req.leaveStdinOpen) args.push('--leave-stdin-open')
  return args
}

/** Where conmon's attach socket is reachable through its short symlink. */
export const attachSocketPath = (socketDir: string, id: string) => join(socketDir, id.slice(0, 12), 'attach')

/** Failure of `runc create` (or of conmon itself), with runc's own words as the message. */
export class CreateError extends Error {
  constructor(
    message: string,
    /** conmon's message as received (runc's stderr, logrus-formatted). */
    readonly raw: string,
  ) {
    super(message)
    this.name = 'CreateError'
  }
}

/**
 * Spawns conmon detached (it survives berthd), releases it, and returns once `runc create`
 * has finished: the container is `created`, its attach socket is listening, nothing runs yet.
 * The caller connects attach clients, then calls Runc.start.
 */
export async function createContainer(req: CreateRequest): Promise<{ pid: number; monitorPid: number }> {
  await Promise.all([
    mkdir(join(req.runDir, 'persist'), { recursive: true }),
    mkdir(req.exitDir, { recursive: true }),
    mkdir(req.socketDir, { recursive: true }),
  ])
  const mon = spawnMonitor(req.conmonBinary ?? CONMON, createArgs(req))
  try {
    mon.release()
    const pid = await awaitPid(mon)
    const monitorPid = Number((await readFile(join(req.runDir, 'conmon.pid'), 'utf8')).trim())
    return { pid, monitorPid }
  } finally {
    mon.close()
  }
}

/** Waits for the first conmon process and the `{"data": pid}` line; throws runc's message. */
export async function awaitPid(mon: MonitorProcess): Promise<number> {
  const code = await mon.exited
  if (code !== 0) throw new CreateError(`conmon: ${mon.stderr() || `exit status ${code}`}`, mon.stderr())
  const msg = await mon.sync.next()
  if (msg === undefined) throw new CreateError('conmon exited without reporting the container pid', '')
  if (msg.data < 0 || msg.message !== undefined) {
    const raw = msg.message ?? ''
    throw new CreateError(runcMessage(raw) || `runc failed (status ${msg.data})`, raw)
  }
  return msg.data
}

/**
 * The exit code conmon recorded, from persist/exit (kept until the run dir goes) or the
 * exit dir file (consumed by the ExitWatcher). undefined when the container has not exited.
 */
export async function readExitCode(
  runDir: string,
  id: string,
  exitDir: string,
): Promise<{ code: number; oomKilled: boolean } | undefined> {
  const text = (await readText(join(runDir, 'persist', 'exit'))) ?? (await readText(join(exitDir, id)))
  if (text === undefined || text.trim() === '') return undefined
  const code = Number.parseInt(text.trim(), 10)
  if (Number.isNaN(code)) return undefined
  const oomKilled = await stat(join(runDir, 'persist', 'oom')).then(
    () => true,
    () => false,
  )
  return { code, oomKilled }
}

async function readText(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined
    throw e
  }
}
