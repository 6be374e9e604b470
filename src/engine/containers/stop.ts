// stop, kill, restart, pause, unpause: signals and the freezer, through runc.
import { BerthError, invalid } from '../../lib/errors.js'
import { signalNumber } from '../../sys/exec.js'
import { assertCan } from './states.js'
import { startLocked } from './start.js'
import type { ContainerDeps } from './deps.js'
import type { ContainerRecord } from '../../state/records.js'

const DEFAULT_STOP_TIMEOUT = 10

/** Accepts `TERM`, `SIGTERM`, `15`; returns the canonical `SIGTERM` form runc takes. */
export function parseSignal(sig: string): string {
  const s = sig.trim().toUpperCase()
  if (/^\d+$/.test(s)) {
    const n = Number(s)
    if (n < 1 || n > 64) throw invalid(`Invalid signal: ${sig}`)
    return String(n)
  }
  const name = s.startsWith('SIG') ? s : `SIG${s}`
  if (!signalNumber(name) && !/^SIGRTM(IN|AX)/.test(name)) throw invalid(`Invalid signal: ${sig}`)
  return name
}

export async function killContainer(deps: ContainerDeps, ref: string, signal = 'SIGKILL'): Promise<void> {
  const sig = parseSignal(signal)
  const c = deps.store.resolve(ref)
  assertCan('kill', c)
  if (c.state.status === 'paused' && sig !== 'SIGKILL' && sig !== '9') {
    await deps.runc.kill(c.id, sig)
    return
  }
  await deps.runc.kill(c.id, sig).catch((e: unknown) => {
    throw new BerthError('conflict', `Cannot kill container: ${ref}: ${(e as Error).message}`)
  })
  deps.events.emit({ type: 'container', action: 'kill', id: c.id, attributes: { name: c.name, signal: sig } })
}

/** SIGTERM (or the container's stop signal), then SIGKILL after the timeout, as Docker does. */
export async function stopContainer(deps: ContainerDeps, ref: string, opts: { timeout?: number; signal?: string }): Promise<void> {
  const c = deps.store.resolve(ref)
  assertCan('stop', c)
  await stopRunning(deps, c, opts)
}

export async function stopRunning(deps: ContainerDeps, c: ContainerRecord, opts: { timeout?: number; signal?: string }) {
  const exited = deps.waiters.nextExit(c.id)
  const timeout = opts.timeout ?? c.config.StopTimeout ?? DEFAULT_STOP_TIMEOUT
  const signal = parseSignal(opts.signal || c.config.StopSignal || 'SIGTERM')
  if (c.state.status === 'paused') await deps.runc.resume(c.id).catch(() => undefined)
  if (timeout !== 0) await deps.runc.kill(c.id, signal).catch(() => undefined)
  if (timeout < 0) return void (await exited)
  const done = await Promise.race([exited.then(() => true), sleep(timeout * 1000).then(() => false)])
  if (done) return
  await deps.runc.kill(c.id, 'SIGKILL', true).catch(() => undefined)
  await exited
}

export async function restartContainer(deps: ContainerDeps, ref: string, opts: { timeout?: number; signal?: string }) {
  const c = deps.store.resolve(ref)
  if (c.state.status === 'running' || c.state.status === 'paused') await stopRunning(deps, c, opts)
  await deps.store.locked(c.id, async () => {
    const fresh = deps.store.resolve(c.id)
    fresh.restartCount = 0
    await startLocked(deps, fresh)
  })
  deps.events.emit({ type: 'container', action: 'restart', id: c.id, attributes: { name: c.name } })
}

/**
 * pause and unpause: the freezer, through runc. The state is checked on the record as it is once
 * the container's lock is held: an exit, a removal or another pause queued ahead may have changed
 * it since the ref was resolved.
 */
export async function setPaused(deps: ContainerDeps, ref: string, paused: boolean): Promise<void> {
  const { id } = deps.store.resolve(ref)
  await deps.store.locked(id, async () => {
    const c = deps.store.get(id)
    if (!c) throw new BerthError('not-found', `No such container: ${ref}`)
    assertCan(paused ? 'pause' : 'unpause', c)
    await (paused ? deps.runc.pause(id) : deps.runc.resume(id))
    c.state = { ...c.state, status: paused ? 'paused' : 'running' }
    deps.store.save(c)
    deps.events.emit({ type: 'container', action: paused ? 'pause' : 'unpause', id, attributes: { name: c.name } })
  })
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
