// The shape every command module has: flags in, a typed options object, one client call (or a
// few) out. main.ts owns parsing, help and exit codes; a command only parses and runs.
import type { Readable, Writable } from 'node:stream'
import type { Client } from '../client/index.js'
import type { FlagSpec, Parsed } from './flags/parser.js'

export interface Io {
  stdin: Readable & { isTTY?: boolean; setRawMode?: (raw: boolean) => unknown }
  stdout: Writable & { isTTY?: boolean; columns?: number; rows?: number }
  stderr: Writable & { isTTY?: boolean }
  env: NodeJS.ProcessEnv
  cwd: string
}

export interface Context extends Io {
  client: Client
  /** The command as invoked, e.g. `container ls` (for messages). */
  path: string
}

export interface ArgsRule {
  min?: number
  max?: number
}

export interface CommandModule<O = unknown> {
  /** After `berth <path> `: e.g. `[OPTIONS] IMAGE [COMMAND] [ARG...]`. */
  usage: string
  description: string
  flags: readonly FlagSpec[]
  args?: ArgsRule
  /** Flags end at the first positional (run, create, exec). */
  stopAtPositional?: boolean
  parse(p: Parsed, io: Io): O
  /** Returns the exit code (0 when void). */
  run(opts: O, ctx: Context): Promise<number | void>
}

/** An error with its own exit code and the exact text to print (empty: print nothing). */
export class StatusError extends Error {
  constructor(
    readonly code: number,
    message: string,
  ) {
    super(message)
    this.name = 'StatusError'
  }
}

export const line = (w: Writable, s: string) => void w.write(s + '\n')
