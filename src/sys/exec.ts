// Running host programs. Everything that spawns a process goes through here.
import { spawn, type SpawnOptions } from 'node:child_process'
import { inNetns } from './netns.js'

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

export interface ExecOptions {
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  cwd?: string
  /** A pinned network namespace the program is born in. */
  netns?: string
}

/** Runs a program to completion, capturing output. Never throws for a non-zero exit. */
export function run(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const so: SpawnOptions = { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] }
    const child = opts.netns ? inNetns(opts.netns, () => spawn(file, args, so)) : spawn(file, args, so)
    const out: Buffer[] = []
    const err: Buffer[] = []
    child.stdout!.on('data', (d: Buffer) => out.push(d))
    child.stderr!.on('data', (d: Buffer) => err.push(d))
    child.on('error', reject)
    child.on('close', (code, signal) =>
      resolve({
        code: code ?? 128 + (signal ? signalNumber(signal) : 0),
        stdout: Buffer.concat(out).toString(),
        stderr: Buffer.concat(err).toString(),
      }),
    )
    if (opts.input !== undefined) child.stdin!.end(opts.input)
    else child.stdin!.end()
  })
}

/** Like run, but a non-zero exit becomes an Error with the program's own stderr. */
export async function runOk(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const r = await run(file, args, opts)
  if (r.code !== 0) {
    const msg = (r.stderr || r.stdout).trim()
    throw new Error(`${file.split('/').pop()} ${args.slice(0, 3).join(' ')}: ${msg || `exit status ${r.code}`}`)
  }
  return r.stdout
}

import { constants } from 'node:os'
export const signalNumber = (name: string): number =>
  (constants.signals as Record<string, number>)[name] ?? 0

export interface PipedProcess {
  stdin: import('node:stream').Writable | null
  /**
   * Delivers output (1 = stdout, 2 = stderr), including what arrived before the call. Output is
   * read from the start: Node discards the unread output of a child that exits.
   */
  output(cb: (stream: 1 | 2, chunk: Buffer) => void): void
  /** Both output pipes reached their end. */
  outputEnded: Promise<void>
  /** Exit code (128+n for a signal) as soon as the process ended. */
  exited: Promise<number>
  /** The same, once its output pipes were also read to the end. */
  closed: Promise<number>
  /** Drop the output pipes (the reader went away). */
  destroy(): void
}

/** Starts a program with piped stdout/stderr (and stdin when asked). */
export function spawnPiped(file: string, args: readonly string[], opts: { stdin: boolean; cwd?: string }): PipedProcess {
  const child = spawn(file, args, { stdio: [opts.stdin ? 'pipe' : 'ignore', 'pipe', 'pipe'], cwd: opts.cwd })
  let pending: Array<[1 | 2, Buffer]> = []
  let deliver: ((stream: 1 | 2, chunk: Buffer) => void) | undefined
  const outputEnded = Promise.all(
    ([[1, child.stdout!], [2, child.stderr!]] as const).map(
      ([n, s]) =>
        new Promise<void>((resolve) => {
          s.on('data', (c: Buffer) => (deliver ? deliver(n, c) : pending.push([n, c])))
          s.once('end', resolve)
          s.once('close', resolve)
        }),
    ),
  ).then(() => undefined)
  const status = (event: 'exit' | 'close') =>
    new Promise<number>((resolve) => {
      child.once('error', () => resolve(127))
      child.once(event, (code: number | null, signal: NodeJS.Signals | null) => resolve(code ?? 128 + (signal ? signalNumber(signal) : 0)))
    })
  child.stdin?.on('error', () => undefined) // EPIPE when the process already exited
  return {
    stdin: child.stdin,
    output: (cb) => {
      deliver = cb
      for (const [n, c] of pending) cb(n, c)
      pending = []
    },
    outputEnded,
    exited: status('exit'),
    closed: status('close'),
    destroy: () => {
      child.stdin?.destroy()
      child.stdout!.destroy()
      child.stderr!.destroy()
    },
  }
}
