// The mounts of a container's config.json, and the masked / read-only paths (pure).
//
// Two groups, as in Docker: the *default* mounts every container gets (/proc, /dev, /dev/pts,
// /sys, /sys/fs/cgroup, /dev/mqueue, /dev/shm), and *user* mounts the engine asks for (the shm
// bind of a shared IPC namespace, the generated /etc files, the init binary, volumes). A user
// mount at a default mount's destination replaces it; user mounts are ordered by path depth so a
// parent is mounted before its children. A read-only rootfs also makes the default mounts (except
// the /dev and /proc ones, which must stay writable) and the /etc files read-only.

import { BerthError } from '../../lib/errors.js'
import type { NamespaceChoice } from './namespaces.js'
import type { OciMount } from './types.js'

export const DEFAULT_MASKED_PATHS: readonly string[] = [
  '/proc/asound', '/proc/acpi', '/proc/kcore', '/proc/keys', '/proc/latency_stats', '/proc/timer_list',
  '/proc/timer_stats', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/sys/devices/virtual/powercap',
]

export const DEFAULT_READONLY_PATHS: readonly string[] = [
  '/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger',
]

/** In-container path of the --init binary, Docker's name. */
export const INIT_PATH = '/sbin/docker-init'

export interface MountRequest {
  readonlyRootfs: boolean
  privileged: boolean
  ipc: NamespaceChoice
  shmSize: number
  hostShmPath?: string
  etcFiles: { hostname?: string; hosts?: string; resolvConf?: string }
  initPath?: string
  extraMounts?: readonly OciMount[]
}

const KEEP_WRITABLE = new Set(['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue'])

export function mountsFor(req: MountRequest): OciMount[] {
  const user = userMounts(req)
  const userDest = new Set(user.map((m) => m.destination))
  const devOverridden = userDest.has('/dev')
  const defaults = defaultMounts(req).filter(
    (m) => !userDest.has(m.destination) && !(devOverridden && m.destination.startsWith('/dev/')),
  )
  if (req.readonlyRootfs) {
    for (const m of defaults) if (!KEEP_WRITABLE.has(m.destination) && !m.options.includes('ro')) m.options.push('ro')
  }
  return [...defaults, ...sortByDepth(user)]
}

function defaultMounts(req: MountRequest): OciMount[] {
  const ro = req.privileged ? [] : ['ro']
  const mounts: OciMount[] = [
    { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
    { destination: '/dev', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'] },
    {
      destination: '/dev/pts', type: 'devpts', source: 'devpts',
      options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
    },
    { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', ...ro] },
    { destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: [...ro, 'nosuid', 'noexec', 'nodev'] },
    { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  ]
  if (req.ipc.mode === 'private' && req.hostShmPath === undefined) {
    if (!Number.isInteger(req.shmSize) || req.shmSize <= 0) {
      throw new BerthError('invalid', `invalid shm size ${req.shmSize}: must be a positive number of bytes`)
    }
    mounts.push({
      destination: '/dev/shm', type: 'tmpfs', source: 'shm',
      options: ['nosuid', 'noexec', 'nodev', 'mode=1777', `size=${req.shmSize}`],
    })
  }
  return mounts
}

const bind = (source: string, destination: string, readonly: boolean): OciMount => ({
  destination, type: 'bind', source, options: ['rbind', 'rprivate', ...(readonly ? ['ro'] : [])],
})

function userMounts(req: MountRequest): OciMount[] {
  const out: OciMount[] = []
  const shm = shmSource(req)
  if (shm) out.push(bind(shm, '/dev/shm', false))
  const { hostname, hosts, resolvConf } = req.etcFiles
  if (resolvConf) out.push(bind(resolvConf, '/etc/resolv.conf', req.readonlyRootfs))
  if (hostname) out.push(bind(hostname, '/etc/hostname', req.readonlyRootfs))
  if (hosts) out.push(bind(hosts, '/etc/hosts', req.readonlyRootfs))
  if (req.initPath) out.push({ destination: INIT_PATH, type: 'bind', source: req.initPath, options: ['bind', 'ro'] })
  for (const m of req.extraMounts ?? []) out.push({ ...m, options: [...m.options] })
  return out
}

/**
 * Where /dev/shm comes from when it is not a fresh tmpfs: the host's (ipc host), the shm
 * directory of the container whose IPC namespace is joined (it must live on the host: a mount
 * inside another container's mount namespace cannot be bind-mounted), or a host-side shm dir
 * for a shareable private namespace. ipc none: no /dev/shm at all.
 */
function shmSource(req: MountRequest): string | undefined {
  switch (req.ipc.mode) {
    case 'none':
      return undefined
    case 'host':
      return req.hostShmPath ?? '/dev/shm'
    case 'join':
      if (!req.hostShmPath) throw new BerthError('internal', 'joining an IPC namespace needs the shm directory of its owner (hostShmPath)')
      return req.hostShmPath
    case 'private':
      return req.hostShmPath
  }
}

const depth = (p: string): number => p.split('/').filter(Boolean).length

function sortByDepth(mounts: OciMount[]): OciMount[] {
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.destination) - depth(b.m.destination) || a.i - b.i).map((x) => x.m)
}
