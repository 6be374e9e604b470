// Turns a container record (Docker's Config/HostConfig) into the runtime spec builder's input.
// Joining another container's namespaces needs that container running: checked here.
import { BerthError, invalid } from '../../lib/errors.js'
import type { ContainerRecord, DockerHostConfig } from '../../state/records.js'
import { resolveCapabilities } from '../../runtime/spec/capabilities.js'
import { validateResources } from '../../runtime/spec/resources.js'
import { validateUlimits } from '../../runtime/spec/rlimits.js'
import type { NamespaceChoice, SpecInput } from '../../runtime/spec/build.js'
import { cgroupnsMode, ipcMode, mergeEnv, networkMode, pidMode, utsMode } from './options.js'
import { containerDirs, type ContainerDirs } from './rootfs.js'
import type { ContainerDeps } from './deps.js'
import type { RunNetwork } from '../networks/service.js'

export const DEFAULT_SHM = 64 * 1024 * 1024

/** Resolves `container:X` to X's running init process. */
function joinTarget(deps: ContainerDeps, ref: string, what: string): ContainerRecord {
  const target = deps.store.resolve(ref)
  if (target.state.status !== 'running' && target.state.status !== 'paused')
    throw new BerthError('conflict', `cannot join ${what} of a non running container: ${target.id}`)
  return target
}

const join = (pid: number, ns: string): NamespaceChoice => ({ mode: 'join', path: `/proc/${pid}/ns/${ns}` })

export interface SecurityOptions {
  seccomp: SpecInput['seccomp']
  noNewPrivileges: boolean
}

export function parseSecurityOpt(opts: readonly string[] | null): SecurityOptions {
  const out: SecurityOptions = { seccomp: 'default', noNewPrivileges: false }
  for (const opt of opts ?? []) {
    const sep = opt.search(/[=:]/)
    const key = sep < 0 ? opt : opt.slice(0, sep)
    const value = sep < 0 ? '' : opt.slice(sep + 1)
    switch (key) {
      case 'seccomp':
        if (value === 'unconfined') out.seccomp = 'unconfined'
        else {
          try {
            out.seccomp = { profile: JSON.parse(value) }
          } catch {
            throw invalid(`opening seccomp profile (${value}) failed: invalid JSON`)
          }
        }
        break
      case 'no-new-privileges':
        out.noNewPrivileges = value === '' || value === 'true'
        break
      case 'apparmor':
      case 'label':
        break // no LSM on these hosts; accepted as Docker accepts them without one
      default:
        throw invalid(`Invalid --security-opt: "${opt}"`)
    }
  }
  return out
}

export function specInput(
  deps: ContainerDeps,
  c: ContainerRecord,
  dirs: ContainerDirs,
  user: SpecInput['user'],
  hostDevices?: SpecInput['hostDevices'],
  run: RunNetwork = { env: [] },
): SpecInput {
  const hc = c.hostConfig
  const pid = pidMode(hc.PidMode ?? '')
  const ipc = ipcMode(hc.IpcMode ?? '')
  const uts = utsMode(hc.UTSMode ?? '')
  const net = networkMode(hc.NetworkMode ?? '')

  let pidNs: NamespaceChoice = { mode: pid.kind === 'host' ? 'host' : 'private' }
  if (pid.kind === 'container') pidNs = join(joinTarget(deps, pid.ref, 'PID').state.pid, 'pid')

  let ipcNs: NamespaceChoice = { mode: 'private' }
  let hostShmPath: string | undefined
  if (ipc.kind === 'host') {
    ipcNs = { mode: 'host' }
    hostShmPath = '/dev/shm'
  } else if (ipc.kind === 'none') ipcNs = { mode: 'none' }
  else if (ipc.kind === 'container') {
    const t = joinTarget(deps, ipc.ref, 'IPC')
    const mode = ipcMode(t.hostConfig.IpcMode ?? '').kind
    if (mode !== 'shareable' && mode !== 'host')
      throw new BerthError('conflict', `non-shareable IPC (hint: use IpcMode:shareable for the donor container)`)
    ipcNs = mode === 'host' ? { mode: 'host' } : join(t.state.pid, 'ipc')
    hostShmPath = mode === 'host' ? '/dev/shm' : `${deps.paths.containers}/${t.id}/shm`
  } else if (ipc.kind === 'shareable') hostShmPath = `${dirs.root}/shm`

  let netNs: NamespaceChoice = run.netns ? { mode: 'join', path: run.netns } : { mode: net.kind === 'host' ? 'host' : 'private' }
  // Sharing a network namespace means sharing its name and /etc files too (Docker does the same).
  let etcOwner = dirs
  let hostname = c.config.Hostname
  if (net.kind === 'container') {
    const owner = joinTarget(deps, net.ref, 'network namespace')
    netNs = join(owner.state.pid, 'net')
    etcOwner = containerDirs(deps.paths, owner.id)
    hostname = owner.config.Hostname
  }

  const utsPrivate = uts.kind === 'private' && net.kind !== 'host'
  const sec = hc.Privileged ? { seccomp: 'unconfined' as const, noNewPrivileges: false } : parseSecurityOpt(hc.SecurityOpt)
  if (hc.Privileged) sec.noNewPrivileges = parseSecurityOpt(hc.SecurityOpt).noNewPrivileges

  const argv = [c.path, ...c.args]
  return {
    id: c.id,
    rootfs: dirs.merged,
    readonlyRootfs: !!hc.ReadonlyRootfs,
    args: argv,
    env: withDefaults([...run.env, ...c.config.Env], hostname, c.config.Tty),
    cwd: c.config.WorkingDir || '/',
    user,
    terminal: !!c.config.Tty,
    hostname: utsPrivate ? hostname : '',
    domainname: utsPrivate ? c.config.Domainname ?? '' : '',
    namespaces: {
      pid: pidNs,
      ipc: ipcNs,
      uts: { mode: utsPrivate ? 'private' : 'host' },
      network: netNs,
      cgroup: { mode: cgroupnsMode(hc.CgroupnsMode ?? '') },
      user: { mode: 'host' },
    },
    etcFiles: {
      hostname: etcOwner.hostname,
      hosts: etcOwner.hosts,
      resolvConf: etcOwner.resolvConf,
    },
    shmSize: typeof hc.ShmSize === 'number' && hc.ShmSize > 0 ? hc.ShmSize : DEFAULT_SHM,
    hostShmPath,
    privileged: !!hc.Privileged,
    capAdd: hc.CapAdd ?? [],
    capDrop: hc.CapDrop ?? [],
    boundingCaps: deps.host.boundingCaps,
    seccomp: sec.seccomp,
    defaultSeccompProfile: deps.host.defaultSeccomp,
    kernelRelease: deps.host.kernelRelease,
    hostDevices,
    noNewPrivileges: sec.noNewPrivileges,
    resources: resourcesOf(hc),
    ulimits: ulimitsOf(hc),
    hardLimits: deps.host.hardLimits,
    cgroupsPath: `${deps.host.cgroupParent}/${c.id}`,
    init: hc.Init ? { hostPath: deps.host.initPath } : undefined,
    isOwnNetns: run.netns !== undefined,
    sysctls: (hc.Sysctls as Record<string, string> | null | undefined) ?? undefined,
    oomScoreAdj: typeof hc.OomScoreAdj === 'number' ? hc.OomScoreAdj : undefined,
  }
}

export const resourcesOf = (hc: DockerHostConfig): SpecInput['resources'] => ({
  memory: hc.Memory || undefined,
  memorySwap: hc.MemorySwap || undefined,
  nanoCpus: hc.NanoCpus || undefined,
  cpuShares: hc.CpuShares || undefined,
  cpuQuota: hc.CpuQuota || undefined,
  cpuPeriod: hc.CpuPeriod || undefined,
  pidsLimit: hc.PidsLimit && hc.PidsLimit > 0 ? hc.PidsLimit : undefined,
  cpusetCpus: (hc.CpusetCpus as string | undefined) || undefined,
})

export const ulimitsOf = (hc: DockerHostConfig): SpecInput['ulimits'] =>
  (hc.Ulimits ?? []).map((u) => ({ name: u.Name, soft: u.Soft, hard: u.Hard }))

/** Create-time checks of everything the runtime will be asked for, so start cannot fail on them. */
export function validateRuntimeOptions(deps: ContainerDeps, hc: DockerHostConfig): void {
  resolveCapabilities({ privileged: !!hc.Privileged, capAdd: hc.CapAdd ?? [], capDrop: hc.CapDrop ?? [], boundingCaps: deps.host.boundingCaps })
  validateResources(resourcesOf(hc))
  validateUlimits(ulimitsOf(hc), deps.host.hardLimits)
  parseSecurityOpt(hc.SecurityOpt)
}

/** Docker's order: PATH (when the image has none), HOSTNAME, TERM=xterm with a TTY, then the container's own. */
export function withDefaults(env: readonly string[], hostname: string, tty: boolean): string[] {
  const base: string[] = []
  if (!env.some((e) => e.startsWith('PATH='))) base.push('PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  base.push(`HOSTNAME=${hostname}`)
  if (tty) base.push('TERM=xterm')
  return mergeEnv(base, env)
}
