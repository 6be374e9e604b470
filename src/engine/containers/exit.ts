// What happens when a container's process exits (reported by conmon's exit file, now or found at
// daemon start): record the code, release the runtime resources, wake waiters, auto-remove.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { readExitCode } from '../../runtime/conmon.js'
import { log } from '../../lib/log.js'
import type { ContainerRecord } from '../../state/records.js'
import { containerDirs, unmountRootfs } from './rootfs.js'
import { unmountShm } from './start.js'
import type { ContainerDeps } from './deps.js'

/** Releases what a run holds: the runc container, its network sandbox, the run dir, the rootfs and shm mounts. */
export async function releaseRun(deps: ContainerDeps, c: ContainerRecord): Promise<void> {
  await deps.runc.release(c.id).catch((e: unknown) => log.warn('runc delete failed', { id: c.id, error: String(e) }))
  await deps.network.endRun(c).catch((e: unknown) => log.warn('network cleanup failed', { id: c.id, error: String(e) }))
  const dirs = containerDirs(deps.paths, c.id)
  unmountShm(join(dirs.root, 'shm'))
  unmountRootfs(dirs)
  await rm(join(deps.paths.run, c.id), { recursive: true, force: true })
  await rm(join(deps.paths.sockets, c.id.slice(0, 12)), { force: true })
}

export async function handleExit(
  deps: ContainerDeps,
  id: string,
  code: number | undefined,
  removeContainer: (id: string) => Promise<void>,
): Promise<void> {
  const found = deps.store.get(id)
  if (!found) return
  let autoRemove = false
  let exitCode = 0
  await deps.store.locked(id, async () => {
    const c = deps.store.get(id)
    if (!c || (c.state.status !== 'running' && c.state.status !== 'paused')) return
    const info = await readExitCode(join(deps.paths.run, id), id, deps.paths.exits).catch(() => undefined)
    exitCode = code ?? info?.code ?? 255
    await releaseRun(deps, c)
    c.state = {
      ...c.state,
      status: 'exited',
      pid: 0,
      monitorPid: 0,
      exitCode,
      oomKilled: info?.oomKilled ?? false,
      finishedAt: new Date().toISOString(),
    }
    delete c.runDir
    deps.store.save(c)
    deps.events.emit({ type: 'container', action: 'die', id, attributes: { name: c.name, exitCode: String(exitCode) } })
    autoRemove = !!c.hostConfig.AutoRemove
  })
  deps.waiters.exited(id, { code: exitCode })
  if (autoRemove) await removeContainer(id).catch((e: unknown) => log.warn('auto-remove failed', { id, error: String(e) }))
}
