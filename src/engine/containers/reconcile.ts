// Startup reconcile (live-restore): compare the records with what runc and conmon report. Running
// containers stay running; those that exited while the daemon was down get their exit code from
// conmon's exit file; runc containers without a record (a crash mid-create) are deleted.
import { rm } from 'node:fs/promises'
import { join } from 'node:path'
import { log } from '../../lib/log.js'
import type { ContainerDeps } from './deps.js'
import { containerDirs, removeDirs, unmountRootfs } from './rootfs.js'
import { releaseRun } from './exit.js'

export async function reconcile(deps: ContainerDeps, onExit: (id: string, code: number | undefined) => Promise<void>) {
  const known = new Map((await deps.runc.list().catch(() => [])).map((s) => [s.id, s]))
  for (const c of deps.store.all()) {
    const rs = known.get(c.id)
    known.delete(c.id)
    switch (c.state.status) {
      case 'running':
      case 'paused':
      case 'restarting': {
        if (rs && (rs.status === 'running' || rs.status === 'paused')) {
          if (rs.status !== c.state.status) {
            c.state = { ...c.state, status: rs.status }
            deps.store.save(c)
          }
          continue
        }
        log.info('container exited while the daemon was down', { id: c.id })
        await onExit(c.id, undefined)
        break
      }
      case 'removing':
        await releaseRun(deps, c)
        await removeDirs(containerDirs(deps.paths, c.id))
        deps.store.remove(c.id)
        break
      default:
        // created or exited: nothing may be left of a run
        if (rs) await releaseRun(deps, c)
        else unmountRootfs(containerDirs(deps.paths, c.id)) // a cp of a stopped container cut short by a crash
        await rm(join(deps.paths.run, c.id), { recursive: true, force: true })
    }
  }
  for (const orphan of known.keys()) {
    log.warn('deleting runc container without a record', { id: orphan })
    await deps.runc.delete(orphan, true).catch(() => undefined)
  }
}
