// Capabilities of a container's first process, decided the way Docker does (pure).
//
// Terms: a *known* capability is one the kernel defines (list below, indexed by bit number);
// an *available* one is in the daemon's own bounding set (host.ts reads it). A capability that is
// known but not available (CAP_SYS_RESOURCE on this machine) can be neither added nor dropped,
// with Docker's message. Names leave here in the kernel's spelling, `CAP_` prefixed.

import { BerthError } from '../../lib/errors.js'

/** Every capability of Linux 5.9+ (CAP_LAST_CAP = 40), at its bit number. */
export const KNOWN_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
]

/** Docker's default set for unprivileged containers, in Docker's order. */
export const DEFAULT_CAPS: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
]

const ALL = 'ALL'

export interface CapabilityRequest {
  privileged: boolean
  capAdd: readonly string[]
  capDrop: readonly string[]
  /** What the daemon holds; also what "ALL" and --privileged mean. */
  boundingCaps: readonly string[]
}

/**
 * Upper-cases, adds the CAP_ prefix, keeps the magic "ALL", and rejects names the kernel does not
 * know or the daemon does not hold, with Docker's messages.
 */
export function normalizeCapabilities(names: readonly string[], available: readonly string[]): string[] {
  const out: string[] = []
  for (const raw of names) {
    let c = raw.trim().toUpperCase()
    if (c === ALL) {
      out.push(c)
      continue
    }
    if (!c.startsWith('CAP_')) c = `CAP_${c}`
    if (!KNOWN_CAPS.includes(c)) throw new BerthError('invalid', `unknown capability: "${c}"`)
    if (!available.includes(c)) {
      throw new BerthError(
        'invalid',
        `capability not supported by your kernel or not available in the current environment: "${c}"`,
      )
    }
    out.push(c)
  }
  return out
}

/** The container's capability set: Docker's TweakCapabilities, duplicates removed. */
export function resolveCapabilities(req: CapabilityRequest): string[] {
  const available = req.boundingCaps.filter((c) => KNOWN_CAPS.includes(c))
  if (req.privileged) return sortByBit(available)
  if (req.capAdd.length === 0 && req.capDrop.length === 0) return [...DEFAULT_CAPS]
  const drops = normalizeCapabilities(req.capDrop, available)
  const adds = normalizeCapabilities(req.capAdd, available)
  let caps: string[]
  if (adds.includes(ALL)) caps = available.filter((c) => !drops.includes(c))
  else if (drops.includes(ALL)) caps = adds
  else caps = [...DEFAULT_CAPS.filter((c) => !drops.includes(c)), ...adds]
  return [...new Set(caps)]
}

function sortByBit(caps: readonly string[]): string[] {
  return [...caps].sort((a, b) => KNOWN_CAPS.indexOf(a) - KNOWN_CAPS.indexOf(b))
}

/** The bit mask /proc/<pid>/status shows for a set (CapEff: %016x). */
export function capabilityMask(caps: readonly string[]): bigint {
  let mask = 0n
  for (const c of caps) {
    const bit = KNOWN_CAPS.indexOf(c)
    if (bit >= 0) mask |= 1n << BigInt(bit)
  }
  return mask
}

/** Inverse of capabilityMask, for a hex mask as /proc shows it; unknown bits are ignored. */
export function capabilitiesFromMask(hex: string): string[] {
  const mask = BigInt(`0x${hex.trim()}`)
  return KNOWN_CAPS.filter((_, bit) => (mask >> BigInt(bit)) & 1n)
}
