// Removing a container: refuse while it runs unless forced; then release everything it owns —
// run dir, mounts, its directory — and finally the row; with `volumes`, its anonymous volumes.
import { BerthError } from '../../lib/errors.js'
import { containerDirs, removeDirs } from './rootfs.js'
import { releaseRun } from './exit.js'
import type { ContainerDeps } from './deps.js'
import { ownedVolumes } from './volume-mounts.js'

/** `volumes` (rm -v, --rm): also remove the anonymous volumes the container made; named ones stay. */
export async function removeContainer(deps: ContainerDeps, ref: string, opts: { force: boolean; volumes?: boolean }): Promise<void> {
  const c = deps.store.resolve(ref)
  if (c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting') {
    if (!opts.force) {
      const what = c.state.status === 'paused' ? 'paused' : 'running'
      throw new BerthError(
        'conflict',
        `You cannot remove a ${what} container ${c.id}. Stop the container before attempting removal or force remove`,
      )
    }
    const exited = deps.waiters.nextExit(c.id)
    if (c.state.status === 'paused') await deps.runc.resume(c.id).catch(() => undefined)
    await deps.runc.kill(c.id, 'SIGKILL', true).catch(() => undefined)
    await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))])
  }
  await deps.store.locked(c.id, async () => {
    const fresh = deps.store.get(c.id)
    if (!fresh) return
    if (fresh.state.status === 'removing') throw new BerthError('conflict', `removal of container ${ref} is already in progress`)
    // A container that exited has released its run already (exit.ts); one that never ran has none.
    const hadRun = fresh.runDir !== undefined || fresh.state.status === 'running' || fresh.state.status === 'paused'
    fresh.state = { ...fresh.state, status: 'removing' }
    deps.attachHub.closeWaiting(c.id)
    if (hadRun) await releaseRun(deps, fresh)
    await removeDirs(containerDirs(deps.paths, c.id))
    deps.store.remove(c.id)
    // after the row: a volume in use by no one else is free now
    if (opts.volumes) await deps.volumes.removeAnonymous(ownedVolumes(fresh))
  })
  deps.events.emit({ type: 'container', action: 'destroy', id: c.id, attributes: { name: c.name } })
  deps.waiters.wasRemoved(c.id)
}
