// How errors reach the user: Docker's one-line messages and exit codes. API errors read
// "Error response from daemon: <message>"; commands that act on several objects print one line
// per failure and exit 1 at the end.
import { ApiError } from '../client/errors.js'
import { StatusError } from './command.js'

const ERRNO_TEXT: Record<string, string> = {
  ENOENT: 'no such file or directory',
  EACCES: 'permission denied',
  EISDIR: 'is a directory',
  ENOTDIR: 'not a directory',
  EEXIST: 'file exists',
}

export function describe(e: unknown): string {
  if (e instanceof ApiError) return `Error response from daemon: ${e.message}`
  // Node's `ENOENT: no such file or directory, open '/x'` → Go's `open /x: no such file or directory`
  const sys = e as NodeJS.ErrnoException
  if (e instanceof Error && sys.syscall && sys.path && sys.code && ERRNO_TEXT[sys.code])
    return `${sys.syscall} ${sys.path}: ${ERRNO_TEXT[sys.code]}`
  if (e instanceof Error) return e.message
  return String(e)
}

/** Runs `fn` for each ref; prints successes via `onOk`, collects failures, fails with them all. */
export async function forEachRef(refs: readonly string[], fn: (ref: string) => Promise<void>): Promise<void> {
  const errors: string[] = []
  for (const ref of refs) {
    try {
      await fn(ref)
    } catch (e) {
      errors.push(describe(e))
    }
  }
  if (errors.length) throw new StatusError(1, errors.join('\n'))
}

/**
 * docker run's exit codes for failures before the container runs: 127 when the command was not
 * found, 126 when it could not be invoked, 125 for any other daemon or client failure.
 */
export function runExitCode(message: string): number {
  if (/executable file not found|no such file or directory|system cannot find the file specified/.test(message)) return 127
  if (/permission denied|is a directory/.test(message)) return 126
  return 125
}

export function runStatusError(e: unknown, path = 'run'): StatusError {
  if (e instanceof StatusError) return e
  const msg = describe(e)
  return new StatusError(runExitCode(msg), `berth: ${msg}\n\nRun 'berth ${path} --help' for more information`)
}
