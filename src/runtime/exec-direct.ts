// Attached execs without a TTY run `runc exec` directly, with pipes: one process instead of conmon
// plus runc on the hot path (docs/adr/0006-direct-exec.md). TTY and detached execs go through
// conmon (exec.ts), which owns the pty and outlives the daemon.
//
// runc's own messages go to a log file (--log, JSON), so the process's stderr stays its own.
import { readFile, writeFile } from 'node:fs/promises'
import { watch } from 'node:fs'
import { basename, join } from 'node:path'
import { spawnPiped, type PipedProcess } from '../sys/exec.js'
import type { AttachStream } from './attach.js'
import { RUNC } from './conmon.js'
import { toJson } from './spec/serialize.js'
import { ExecError, execPaths, type ExecHandle, type ExecRequest } from './exec.js'

/** runc's argv for a direct exec. Pure. */
export function directExecArgs(req: ExecRequest): string[] {
  const p = execPaths(req.execDir)
  return ['--root', req.runcRoot, '--log', join(req.execDir, 'runc.log'), '--log-format', 'json',
    'exec', '--process', p.processJson, '--pid-file', p.pidFile, req.containerId]
}

/** The error runc logged, if any (JSON lines with level and msg). */
export function runcLogError(log: string): string | undefined {
  const errors = log
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      try {
        return JSON.parse(l) as { level?: string; msg?: string }
      } catch {
        return {}
      }
    })
    .filter((e) => e.level === 'error' && e.msg)
  return errors.length > 0 ? errors.map((e) => e.msg).join('; ') : undefined
}

export async function startDirectExec(req: ExecRequest): Promise<ExecHandle> {
  const p = execPaths(req.execDir)
  await writeFile(p.processJson, toJson(req.process))
  // The pid file appears (by rename) once the process runs; runc exiting first means it failed
  // or the process was very short.
  let onPid = () => {}
  const pidSeen = new Promise<void>((resolve) => (onPid = resolve))
  const watcher = watch(req.execDir, (_ev, name) => {
    if (name === basename(p.pidFile)) onPid()
  })
  const proc = spawnPiped(req.runcBinary ?? RUNC, directExecArgs(req), { stdin: req.stdin, cwd: req.execDir })
  try {
    await Promise.race([pidSeen, proc.exited])
  } finally {
    watcher.close()
  }
  const pid = Number((await readFile(p.pidFile, 'utf8').catch(() => '0')).trim()) || 0
  if (pid === 0) {
    const code = await proc.exited
    const message = runcLogError(await readFile(join(req.execDir, 'runc.log'), 'utf8').catch(() => ''))
    if (message || code !== 0) {
      proc.destroy()
      throw new ExecError(message ?? `runc exec: exit status ${code}`, message ?? '')
    }
  }
  return { pid, attach: pipeStream(proc), exited: proc.closed, resize: async () => undefined }
}

/** The process's pipes behind the same interface as conmon's attach socket. */
function pipeStream(proc: PipedProcess): AttachStream {
  return {
    on(ev: 'data' | 'close', cb: ((stream: 1 | 2, chunk: Buffer) => void) | (() => void)) {
      if (ev === 'close') void proc.outputEnded.then(cb as () => void)
      else proc.output(cb as (stream: 1 | 2, chunk: Buffer) => void)
    },
    write: (b: Buffer) => void proc.stdin?.write(b),
    end: () => void proc.stdin?.end(),
    close: () => proc.destroy(),
  } as AttachStream
}
