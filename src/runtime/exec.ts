// Running an extra process in a container through conmon (`podman exec`'s protocol,
// ENVIRONMENT §2.5). conmon runs `runc exec --process <execDir>/process.json`, relays the
// output over `<execDir>/attach` (--full-attach: no symlink) and reports the pid and then the
// exit code on the sync pipe. The exec dir is the caller's: create it per exec, remove it after.
//
// Ordering when attached: 1st start byte → conmon answers {"data":0} on the attach pipe once
// its attach socket listens → we connect → 2nd start byte → runc exec runs. So no output is
// lost; the AttachStream also holds packets until the caller registers a 'data' listener.
import { mkdir, readFile, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { attach, resize, type AttachStream } from './attach.js'
import { CONMON, RUNC } from './conmon.js'
import { toJson } from './spec/serialize.js'
import { runcMessage } from './runc.js'
import { spawnMonitor, type MonitorProcess } from '../sys/monitor-process.js'

export interface ExecRequest {
  containerId: string
  execId: string
  /** Per-exec dir: process.json, attach socket, ctl fifo, exit/, persist/. */
  execDir: string
  runcRoot: string
  /** OCI process object (args, env, cwd, user, terminal, consoleSize, capabilities…). */
  process: object
  terminal: boolean
  stdin: boolean
  detach: boolean
  conmonBinary?: string
  runcBinary?: string
}

export interface ExecHandle {
  pid: number
  attach?: AttachStream
  /** The exit code; -1 when conmon vanished without reporting one. */
  exited: Promise<number>
  resize(rows: number, cols: number): Promise<void>
}

/** runc exec (or conmon) failed before the process ran; message = runc's own words. */
export class ExecError extends Error {
  constructor(
    message: string,
    readonly raw: string,
  ) {
    super(message)
    this.name = 'ExecError'
  }
}

export const execPaths = (execDir: string) => ({
  processJson: join(execDir, 'process.json'),
  pidFile: join(execDir, 'exec_pid'),
  exitDir: join(execDir, 'exit'),
  persistDir: join(execDir, 'persist'),
  attachSocket: join(execDir, 'attach'),
})

/** conmon's argv for an exec. Pure. */
export function execArgs(req: ExecRequest): string[] {
  const p = execPaths(req.execDir)
  const args = [
    '--api-version', '1',
    '-c', req.containerId,
    '-u', req.execId,
    '-n', req.containerId,
    '-r', req.runcBinary ?? RUNC,
    '--runtime-arg', '--root', '--runtime-arg', req.runcRoot,
    '-b', req.execDir,
    '-p', p.pidFile,
    '-l', 'none',
    '--exit-dir', p.exitDir,
    '--persist-dir', p.persistDir,
    '--full-attach',
    '--socket-dir-path', req.execDir,
    '--log-level', 'error',
    '-e',
  ]
  if (!req.detach) args.push('--exec-attach')
  args.push('--exec-process-spec', p.processJson)
  if (req.terminal) args.push('-t')
  if (req.stdin && !req.detach) args.push('-i')
  return args
}

export async function startExec(req: ExecRequest): Promise<ExecHandle> {
  const p = execPaths(req.execDir)
  await mkdir(p.exitDir, { recursive: true })
  await mkdir(p.persistDir, { recursive: true })
  await writeFile(p.processJson, toJson(req.process))
  const mon = spawnMonitor(req.conmonBinary ?? CONMON, execArgs(req), { attachPipe: !req.detach, cwd: req.execDir })
  let stream: AttachStream | undefined
  try {
    mon.release()
    const code = await mon.exited
    if (code !== 0) throw new ExecError(`conmon: ${mon.stderr() || `exit status ${code}`}`, mon.stderr())
    if (!req.detach) {
      const ready = await mon.attach!.next()
      if (ready === undefined || ready.data !== 0) await failFromSync(mon, ready?.message)
      stream = await attach(p.attachSocket)
      mon.release()
    }
    const first = await mon.sync.next()
    if (first === undefined || first.data <= 0 || first.message !== undefined) {
      throw execFailure(first?.message, first?.data)
    }
    return {
      pid: first.data,
      attach: stream,
      exited: awaitExitCode(mon, join(p.exitDir, req.containerId)),
      resize: (rows, cols) => resize(req.execDir, rows, cols),
    }
  } catch (e) {
    stream?.close()
    mon.close()
    throw e
  }
}

async function failFromSync(mon: MonitorProcess, message?: string): Promise<never> {
  const msg = await mon.sync.next()
  throw execFailure(msg?.message ?? message, msg?.data)
}

function execFailure(raw: string | undefined, data: number | undefined): ExecError {
  if (raw) return new ExecError(runcMessage(raw), raw)
  return new ExecError(`conmon exec: no pid reported${data !== undefined ? ` (status ${data})` : ''}`, '')
}

async function awaitExitCode(mon: MonitorProcess, exitFile: string): Promise<number> {
  try {
    const msg = await mon.sync.next()
    if (msg !== undefined) return msg.data
    const text = await readFile(exitFile, 'utf8').catch(() => '')
    const code = Number.parseInt(text.trim(), 10)
    return Number.isNaN(code) ? -1 : code
  } catch {
    return -1
  } finally {
    mon.close()
  }
}
