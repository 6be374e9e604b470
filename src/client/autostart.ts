// Starting the daemon on demand: when the default socket does not answer and BERTH_NO_AUTOSTART
// is unset, spawn berthd detached (its output to /run/berth/berthd.log) and poll /_ping for up
// to 10 s. This is the client's only host effect besides talking to the socket.
import { spawn } from 'node:child_process'
import { existsSync, mkdirSync, openSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { ConnectError, isConnectFailure } from './errors.js'
import type { Host } from './host.js'

const LOG_DIR = '/run/berth'
const DEADLINE_MS = 10_000

/** bin/berthd next to the bin/berth that launched us, or ../bin/berthd from the bundle in dist/. */
export function berthdPath(argv1: string | undefined, moduleUrl: string): string | undefined {
  const candidates: string[] = []
  if (argv1) {
    try {
      candidates.push(join(dirname(realpathSync(argv1)), 'berthd'))
    } catch {
      /* argv[1] may not be a file */
    }
  }
  const here = dirname(fileURLToPath(moduleUrl))
  candidates.push(join(here, '..', 'bin', 'berthd'), join(here, '..', '..', 'bin', 'berthd'), join(here, '..', '..', '..', 'bin', 'berthd'))
  return candidates.find((c) => existsSync(c))
}

export async function startDaemon<T>(ping: () => Promise<T>, host: Host): Promise<T> {
  const bin = berthdPath(process.argv[1], import.meta.url)
  if (!bin) throw new ConnectError(host.url, 'ENOENT')
  mkdirSync(LOG_DIR, { recursive: true })
  const log = openSync(join(LOG_DIR, 'berthd.log'), 'a')
  const child = spawn(process.execPath, [bin], { detached: true, stdio: ['ignore', log, log] })
  child.unref()
  const deadline = Date.now() + DEADLINE_MS
  for (;;) {
    await new Promise((r) => setTimeout(r, 100))
    try {
      return await ping()
    } catch (e) {
      if (!isConnectFailure(e) || Date.now() > deadline) throw new ConnectError(host.url, (e as NodeJS.ErrnoException).code)
    }
  }
}

export const isAutostartAllowed = (host: Host, env: NodeJS.ProcessEnv): boolean => host.isDefault && !env['BERTH_NO_AUTOSTART']
