// Starting a container: mount the root filesystem, prepare volumes and binds, write the bundle, let conmon create the
// container through runc, connect waiting attach clients, then `runc start`. On failure every
// step is undone and the record keeps runc's own words in State.Error.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { BerthError, within } from '../../lib/errors.js'
import { UndoStack } from '../../lib/undo.js'
import type { ContainerRecord } from '../../state/records.js'
import { attachSocketPath, createContainer as conmonCreate } from '../../runtime/conmon.js'
import { buildSpec } from '../../runtime/spec/build.js'
import { serializeSpec } from '../../runtime/spec/serialize.js'
import { resolveUser } from '../../runtime/spec/user.js'
import { hostDevices } from '../../runtime/spec/host.js'
import { mount, umount2, MNT_DETACH, MS_NODEV, MS_NOEXEC, MS_NOSUID } from '../../sys/ffi.js'
import { assertCan } from './states.js'
import { containerDirs, mountRootfs, unmountRootfs } from './rootfs.js'
import { specInput } from './spec-input.js'
import { prepareMounts } from './volume-mounts.js'
import type { ContainerDeps } from './deps.js'
import { ipcMode } from './options.js'

export const runDirOf = (deps: ContainerDeps, id: string) => join(deps.paths.run, id)
export const attachSocketOf = (deps: ContainerDeps, id: string) => attachSocketPath(deps.paths.sockets, id)

export async function startContainer(deps: ContainerDeps, ref: string): Promise<void> {
  const c = deps.store.resolve(ref)
  await deps.store.locked(c.id, () => startLocked(deps, deps.store.resolve(c.id)))
}

export async function startLocked(deps: ContainerDeps, c: ContainerRecord): Promise<void> {
  assertCan('start', c)
  const dirs = containerDirs(deps.paths, c.id)
  const runDir = runDirOf(deps, c.id)
  const undo = new UndoStack()
  try {
    await rm(runDir, { recursive: true, force: true })
    await mkdir(runDir, { recursive: true, mode: 0o700 })
    undo.push(() => rm(runDir, { recursive: true, force: true }))
    // The sandbox and the root filesystem are independent: built side by side.
    undo.push(() => deps.network.endRun(c))
    // Both settle before anything is undone: an unmount racing a mount still in flight would leave
    // the root filesystem mounted behind a failed start.
    const [netResult, mounted] = await Promise.allSettled([
      readFile('/etc/resolv.conf', 'utf8').catch(() => '').then((hostResolv) => deps.network.startRun(c, hostResolv)),
      mountRootfs(dirs, c.lowerDirs),
    ])
    undo.push(() => unmountRootfs(dirs))
    if (netResult.status === 'rejected') throw netResult.reason
    if (mounted.status === 'rejected') throw mounted.reason
    const net = netResult.value
    if (net.hosts !== undefined) await writeFile(dirs.hosts, net.hosts)
    if (net.resolvConf !== undefined) await writeFile(dirs.resolvConf, net.resolvConf)
    if (ipcMode(c.hostConfig.IpcMode ?? '').kind === 'shareable') {
      await mountShm(join(dirs.root, 'shm'), c)
      undo.push(() => unmountShm(join(dirs.root, 'shm')))
    }

    const extraMounts = await prepareMounts(deps, c, dirs.merged)
    const user = await resolveUser(dirs.merged, c.config.User ?? '')
    const devices = c.hostConfig.Privileged ? await hostDevices() : undefined
    const spec = buildSpec({ ...specInput(deps, c, dirs, user, devices, net), extraMounts })
    await writeFile(join(runDir, 'config.json'), serializeSpec(spec), { mode: 0o600 })

    undo.push(() => deps.runc.delete(c.id, true))
    const { pid, monitorPid } = await conmonCreate({
      id: c.id,
      name: c.name,
      bundle: runDir,
      runDir,
      logPath: dirs.log,
      terminal: !!c.config.Tty,
      stdin: !!c.config.OpenStdin,
      leaveStdinOpen: !c.config.StdinOnce,
      exitDir: deps.paths.exits,
      socketDir: deps.paths.sockets,
      runcRoot: deps.paths.runcRoot,
    }).catch((e: unknown) => {
      throw startError(e)
    })
    await deps.attachHub.connectWaiting(c.id, attachSocketOf(deps, c.id))
    await deps.runc.start(c.id).catch((e: unknown) => {
      throw startError(e)
    })
    undo.discard()

    c.state = {
      ...c.state,
      status: 'running',
      pid,
      monitorPid,
      exitCode: 0,
      error: '',
      oomKilled: false,
      startedAt: new Date().toISOString(),
    }
    c.runDir = runDir
    deps.store.save(c)
    deps.events.emit({ type: 'container', action: 'start', id: c.id, attributes: { name: c.name } })
  } catch (e) {
    deps.attachHub.closeWaiting(c.id)
    await undo.run()
    const err = e instanceof BerthError ? e : within(`start container ${c.id.slice(0, 12)}`, e)
    c.state = { ...c.state, error: err.message, exitCode: exitCodeFor(err.message) ?? c.state.exitCode }
    deps.store.save(c)
    throw err
  }
}

/** Docker's exit codes for a command that cannot run: 127 not found, 126 not executable. */
export function exitCodeFor(message: string): number | undefined {
  if (/executable file not found|no such file or directory/i.test(message)) return 127
  if (/permission denied|is a directory|exec format error/i.test(message)) return 126
  return undefined
}

function startError(e: unknown): BerthError {
  const message = e instanceof Error ? e.message : String(e)
  const full = `failed to create task: OCI runtime create failed: ${message}`
  return new BerthError(exitCodeFor(message) !== undefined ? 'invalid' : 'internal', full, { cause: e })
}

async function mountShm(path: string, c: ContainerRecord): Promise<void> {
  await mkdir(path, { recursive: true })
  const size = typeof c.hostConfig.ShmSize === 'number' && c.hostConfig.ShmSize > 0 ? c.hostConfig.ShmSize : 64 * 1024 * 1024
  unmountShm(path)
  mount('shm', path, 'tmpfs', MS_NOSUID | MS_NODEV | MS_NOEXEC, `mode=1777,size=${size}`)
}

export function unmountShm(path: string): void {
  try {
    umount2(path, MNT_DETACH)
  } catch {
    // not mounted
  }
}
