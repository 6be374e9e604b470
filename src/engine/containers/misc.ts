// Small verbs: wait, rename, top, port, diff.
import { BerthError, invalid } from '../../lib/errors.js'
import { isValidName } from '../../lib/ids.js'
import { run } from '../../sys/exec.js'
import type { ContainerDeps } from './deps.js'
import { nameConflict } from './store.js'
import { assertCan } from './states.js'

export type WaitCondition = 'not-running' | 'next-exit' | 'removed'

export async function waitContainer(
  deps: ContainerDeps,
  ref: string,
  condition: WaitCondition,
): Promise<{ code: number; error?: string }> {
  const c = deps.store.resolve(ref)
  if (condition === 'removed') {
    const removed = deps.waiters.removed(c.id)
    const exit = deps.waiters.nextExit(c.id)
    let code = c.state.exitCode
    exit.then((e) => (code = e.code)).catch(() => undefined)
    await removed
    return { code }
  }
  const running = c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting'
  if (condition === 'not-running' && !running) return { code: c.state.exitCode }
  return deps.waiters.nextExit(c.id)
}

export function renameContainer(deps: ContainerDeps, ref: string, newName: string): void {
  const c = deps.store.resolve(ref)
  const name = newName.replace(/^\//, '')
  if (!name) throw invalid('Neither old nor new names may be empty')
  if (!isValidName(name)) throw invalid(`Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`)
  if (name === c.name) throw invalid(`Renaming a container with the same name as its current name`)
  const taken = deps.store.nameTaken(name)
  if (taken) throw nameConflict(name, taken.id)
  const old = c.name
  c.name = name
  deps.store.save(c)
  deps.events.emit({ type: 'container', action: 'rename', id: c.id, attributes: { name, oldName: `/${old}` } })
}

/** `docker top`: ps on the host, filtered to the container's processes. */
export async function topContainer(deps: ContainerDeps, ref: string, psArgs: string): Promise<{ titles: string[]; processes: string[][] }> {
  const c = deps.store.resolve(ref)
  assertCan('top', c)
  const pids = new Set(await deps.runc.ps(c.id))
  const args = psArgs.trim() ? psArgs.trim().split(/\s+/) : ['-ef']
  const r = await run('ps', args)
  if (r.code !== 0) throw new BerthError('internal', `Error running ps: ${r.stderr.trim()}`)
  const lines = r.stdout.trimEnd().split('\n')
  const header = lines[0]!.trim().split(/\s+/)
  const pidCol = header.indexOf('PID')
  if (pidCol < 0) throw invalid(`Couldn't find PID field in ps output`)
  const processes: string[][] = []
  for (const line of lines.slice(1)) {
    const fields = line.trim().split(/\s+/)
    if (!pids.has(Number(fields[pidCol]))) continue
    // the last column (the command) may contain spaces
    processes.push([...fields.slice(0, header.length - 1), fields.slice(header.length - 1).join(' ')])
  }
  return { titles: header, processes }
}
