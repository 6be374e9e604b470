// Running host programs. Everything that spawns a process goes through here.
import { spawn, type SpawnOptions } from 'node:child_process'

export interface ExecResult {
  code: number
  stdout: string
  stderr: string
}

export interface ExecOptions {
  input?: string | Buffer
  env?: NodeJS.ProcessEnv
  cwd?: string
}

/** Runs a program to completion, capturing output. Never throws for a non-zero exit. */
export function run(file: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const so: SpawnOptions = { env: opts.env ?? process.env, cwd: opts.cwd, stdio: ['pipe', 'pipe', 'pipe'] }
    const child = spawn(file, args, so)
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
