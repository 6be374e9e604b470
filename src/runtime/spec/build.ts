// buildSpec: a container's settings → runc's config.json, as a value (pure).
//
// Everything the builder needs from the host (the daemon's capabilities and hard limits, device
// nodes, the default seccomp profile, the kernel release) is read beforehand by host.ts and passed
// in, so the same input always gives the same spec. Each concern lives in its own module; this
// file only assembles them in Docker's order of decisions: capabilities first, because the
// seccomp rules depend on them. Errors are BerthErrors of kind 'invalid' with Docker's wording
// where Docker has one; the engine can call the validators (resolveCapabilities, validateUlimits,
// validateResources) at create time to fail before anything is started.

import { BerthError } from '../../lib/errors.js'
import { resolveCapabilities } from './capabilities.js'
import { devicesFor } from './devices.js'
import { DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS, INIT_PATH, mountsFor } from './mounts.js'
import { NETWORK_SYSCTLS, namespacesFor, ownsNetwork, ownsUts, type NamespaceChoices } from './namespaces.js'
import { resourcesFor, type ResourceRequest } from './resources.js'
import { rlimitsFor, type HardLimits, type Ulimit } from './rlimits.js'
import { convertSeccompProfile } from './seccomp.js'
import { OCI_VERSION, type OciDevice, type OciMount, type OciSeccomp, type OciSpec } from './types.js'

export type { NamespaceChoice } from './namespaces.js'
export type { OciSpec } from './types.js'

export interface SpecInput {
  id: string
  rootfs: string
  readonlyRootfs: boolean
  /** Final argv (entrypoint + cmd), non-empty. */
  args: string[]
  env: string[]
  cwd: string
  user: { uid: number; gid: number; additionalGids: number[] }
  terminal: boolean
  /** '' when it must not be set; ignored unless the UTS namespace is private. */
  hostname: string
  domainname: string
  namespaces: NamespaceChoices
  /** Host paths bind-mounted onto /etc/hostname, /etc/hosts, /etc/resolv.conf. */
  etcFiles: { hostname?: string; hosts?: string; resolvConf?: string }
  /** Bytes of the /dev/shm tmpfs of a private IPC namespace. */
  shmSize: number
  /** Host dir bound on /dev/shm: ipc host (default /dev/shm), ipc join (required), shareable private. */
  hostShmPath?: string
  privileged: boolean
  capAdd: string[]
  capDrop: string[]
  boundingCaps: string[]
  /** 'default' needs defaultSeccompProfile (host.ts loadDefaultSeccomp). Privileged → none. */
  seccomp: 'default' | 'unconfined' | { profile: unknown }
  defaultSeccompProfile?: unknown
  /** `uname -r` (host.ts kernelRelease) for minKernel rules; absent = assume a new kernel. */
  kernelRelease?: string
  /** Profile architecture name (seccomp.ts nativeArch); default 'amd64'. */
  arch?: string
  noNewPrivileges: boolean
  resources: ResourceRequest
  ulimits: Ulimit[]
  hardLimits: HardLimits
  cgroupsPath: string
  /** --init: hostPath (tini-static) is bound to /sbin/docker-init, which becomes PID 1. */
  init?: { hostPath: string }
  extraMounts?: OciMount[]
  /** Privileged only: every host device node (host.ts hostDevices). */
  hostDevices?: OciDevice[]
  maskedPaths?: string[]
  readonlyPaths?: string[]
  /** The joined network namespace is this container's own sandbox (a pin berth created), so
   *  Docker's per-netns sysctls apply as for 'private'. Leave unset when joining another container. */
  isOwnNetns?: boolean
  /** HostConfig.Sysctls; they win over Docker's network defaults. */
  sysctls?: Record<string, string>
  /** HostConfig.OomScoreAdj; default 0. */
  oomScoreAdj?: number
}

export function buildSpec(input: SpecInput): OciSpec {
  checkBasics(input)
  const caps = resolveCapabilities(input)
  const ns = input.namespaces
  const namespaces = namespacesFor(ns)
  // Docker adds its init only in a PID namespace of the container's own: elsewhere there is one.
  const withInit = input.init !== undefined && ns.pid.mode === 'private'
  const devices = devicesFor(input.privileged, input.hostDevices)
  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: input.terminal,
      user: userOf(input.user),
      args: withInit ? [INIT_PATH, '--', ...input.args] : [...input.args],
      env: [...input.env],
      cwd: input.cwd || '/',
      capabilities: { bounding: caps, effective: [...caps], permitted: [...caps] },
      noNewPrivileges: input.noNewPrivileges,
      oomScoreAdj: input.oomScoreAdj ?? 0,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    mounts: mountsFor({
      readonlyRootfs: input.readonlyRootfs,
      privileged: input.privileged,
      ipc: ns.ipc,
      shmSize: input.shmSize,
      hostShmPath: input.hostShmPath,
      etcFiles: input.etcFiles,
      initPath: withInit ? input.init!.hostPath : undefined,
      extraMounts: input.extraMounts,
    }),
    linux: {
      namespaces,
      cgroupsPath: input.cgroupsPath,
      resources: { devices: devices.rules, ...resourcesFor(input.resources) },
    },
  }
  const rlimits = rlimitsFor(input.ulimits, input.hardLimits)
  if (rlimits.length) spec.process.rlimits = rlimits
  if (ownsUts(ns) && input.hostname) spec.hostname = input.hostname
  if (ownsUts(ns) && input.domainname) spec.domainname = input.domainname
  if (devices.devices.length) spec.linux.devices = devices.devices
  const sysctl = { ...(ownsNetwork(ns) || input.isOwnNetns ? NETWORK_SYSCTLS : {}), ...input.sysctls }
  if (Object.keys(sysctl).length) spec.linux.sysctl = sysctl
  const seccomp = seccompFor(input, caps)
  if (seccomp) spec.linux.seccomp = seccomp
  const masked = input.maskedPaths ?? (input.privileged ? [] : DEFAULT_MASKED_PATHS)
  const readonly = input.readonlyPaths ?? (input.privileged ? [] : DEFAULT_READONLY_PATHS)
  if (masked.length) spec.linux.maskedPaths = [...masked]
  if (readonly.length) spec.linux.readonlyPaths = [...readonly]
  return spec
}

function seccompFor(input: SpecInput, caps: string[]): OciSeccomp | undefined {
  if (input.privileged || input.seccomp === 'unconfined') return undefined
  const host = { caps, arch: input.arch, kernelRelease: input.kernelRelease }
  if (input.seccomp === 'default') {
    if (input.defaultSeccompProfile === undefined) {
      throw new BerthError('internal', 'seccomp "default" needs the default profile loaded (loadDefaultSeccomp)')
    }
    return convertSeccompProfile(input.defaultSeccompProfile, host)
  }
  return convertSeccompProfile(input.seccomp.profile, host)
}

/** Docker lists the primary group first among the additional ones; runc calls setgroups with them. */
function userOf(u: SpecInput['user']): OciSpec['process']['user'] {
  const gids = [...new Set([u.gid, ...u.additionalGids])]
  return { uid: u.uid, gid: u.gid, additionalGids: gids }
}

const MAX_ID = 2 ** 31 - 1

function checkBasics(input: SpecInput): void {
  if (!input.id) throw new BerthError('invalid', 'container id is empty')
  if (!input.rootfs.startsWith('/')) throw new BerthError('invalid', `rootfs must be an absolute path, got "${input.rootfs}"`)
  if (input.args.length === 0 || input.args[0] === '') {
    throw new BerthError('invalid', 'No command specified')
  }
  if (input.cwd && !input.cwd.startsWith('/')) {
    throw new BerthError('invalid', `the working directory '${input.cwd}' is invalid, it needs to be an absolute path`)
  }
  for (const id of [input.user.uid, input.user.gid, ...input.user.additionalGids]) {
    if (!Number.isInteger(id) || id < 0 || id > MAX_ID) throw new BerthError('invalid', `uids and gids must be in range 0-${MAX_ID}`)
  }
  if (!input.cgroupsPath) throw new BerthError('invalid', 'cgroupsPath is empty')
}
