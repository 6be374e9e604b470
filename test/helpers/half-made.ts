// "Nothing half-made": what a test daemon holds on disk and in the mount table, taken before and
// after a refused request and compared. Container directories, volume directories and the
// mounts under the daemon's directory are what a failed create, run or volume command could
// leave behind; the container list comes from the API so a row without a directory shows too.
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import type { TestDaemon } from './daemon.js'

export interface EngineState {
  containers: string[]
  containerDirs: string[]
  volumeDirs: string[]
  mounts: string[]
}

const list = (dir: string) => (existsSync(dir) ? readdirSync(dir).sort() : [])

export async function engineState(d: TestDaemon): Promise<EngineState> {
  const ps = await d.api('GET', '/containers/json?all=1')
  return {
    containers: (ps.body as Array<{ Id: string }>).map((c) => c.Id).sort(),
    containerDirs: list(join(d.dataRoot, 'containers')),
    volumeDirs: list(join(d.dataRoot, 'volumes')),
    mounts: readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(d.dir)).map((l) => l.split(' ')[4]!).sort(),
  }
}

/** Asserts that the daemon holds exactly what it held in `before`. */
export async function assertNothingMade(d: TestDaemon, before: EngineState, what: string): Promise<void> {
  assert.deepEqual(await engineState(d), before, `${what} left something behind`)
}
