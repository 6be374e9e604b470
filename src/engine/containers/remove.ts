// Removing a container: refuse while it runs unless forced; then release everything it owns —
// run dir, mounts, its directory — and finally the row; with `volumes`, its anonymous volumes.
import { BerthError } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
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
  let owned: string[] = []
  let lastExitCode = c.state.exitCode
  await deps.store.locked(c.id, async () => {
    const fresh = deps.store.get(c.id)
    if (!fresh) return
    lastExitCode = fresh.state.exitCode
    if (fresh.state.status === 'removing') throw new BerthError('conflict', `removal of container ${ref} is already in progress`)
    // A container that exited has released its run already (exit.ts); one that never ran has none.
    const hadRun = fresh.runDir !== undefined || fresh.state.status === 'running' || fresh.state.status === 'paused'
    fresh.state = { ...fresh.state, status: 'removing' }
    deps.attachHub.closeWaiting(c.id)
    try {
      if (hadRun) await releaseRun(deps, fresh)
      await removeDirs(containerDirs(deps.paths, c.id))
    } catch (e) {
      // Docker's word for a container whose removal failed half way: another rm may finish it.
      fresh.state = { ...fresh.state, status: 'dead' }
      deps.store.save(fresh)
      throw e
    }
    deps.store.remove(c.id)
    if (opts.volumes) owned = ownedVolumes(fresh)
  })
  // After the row, before waiters are told (`run --rm` returns once its volumes are gone too). A
  // volume that cannot go is logged, as Docker does: the container is gone regardless.
  if (owned.length) await deps.volumes.removeAnonymous(owned).catch((e: unknown) => log.warn('removing anonymous volumes failed', { id: c.id, error: String(e) }))
  deps.events.emit({ type: 'container', action: 'destroy', id: c.id, attributes: { ...c.config.Labels, image: c.config.Image, name: c.name } })
  deps.waiters.wasRemoved(c.id, lastExitCode)
}
