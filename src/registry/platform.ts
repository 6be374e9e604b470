// Platforms (`linux/amd64`, `linux/arm/v7`): parsing what users type, the host's own, and picking
// a manifest from an index the way containerd's matcher does for the common cases: os and
// architecture equal, variant equal after normalisation (arm64 ≡ arm64/v8, amd64 ≡ amd64/v1); a
// wanted platform without a variant takes any variant, preferring the listed order.
import { BerthError } from '../lib/errors.js'
import type { Descriptor, Platform } from './media-types.js'

const ARCH_ALIASES: Record<string, string> = { x86_64: 'amd64', x86: '386', i386: '386', aarch64: 'arm64', armhf: 'arm', armel: 'arm' }

function normalize(p: Platform): Platform {
  const architecture = ARCH_ALIASES[p.architecture] ?? p.architecture
  let variant = p.variant || undefined
  if (architecture === 'arm64' && variant === 'v8') variant = undefined
  if (architecture === 'amd64' && variant === 'v1') variant = undefined
  if (p.architecture === 'armel') variant ??= 'v6'
  if (p.architecture === 'armhf') variant ??= 'v7'
  return { os: p.os.toLowerCase(), architecture, ...(variant ? { variant } : {}) }
}

/** `linux/arm64/v8` → a platform; Docker's error text for anything else. */
export function parsePlatform(spec: string): Platform {
  const parts = spec.trim().split('/')
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => !/^[A-Za-z0-9_.-]+$/.test(p))) {
    throw new BerthError('invalid', `"${spec}": unknown operating system or architecture: invalid argument`)
  }
  if (parts.length === 1) {
    // a lone word is an os (Docker fills in the host's architecture)
    return normalize({ os: parts[0]!, architecture: hostPlatform().architecture })
  }
  return normalize({ os: parts[0]!, architecture: parts[1]!, ...(parts[2] ? { variant: parts[2] } : {}) })
}

const NODE_ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }

export function hostPlatform(): Platform {
  const architecture = NODE_ARCH[process.arch] ?? process.arch
  const armVersion = (process.config.variables as { arm_version?: string }).arm_version
  return { os: 'linux', architecture, ...(architecture === 'arm' && armVersion ? { variant: `v${armVersion}` } : {}) }
}

export const formatPlatform = (p: Platform): string => [p.os, p.architecture, p.variant].filter(Boolean).join('/')

export function matches(want: Platform, have: Platform): boolean {
  const w = normalize(want)
  const h = normalize(have)
  return w.os === h.os && w.architecture === h.architecture && (w.variant === undefined || w.variant === h.variant)
}

/** The index entry for `want`; Docker's error when none fits. Attestation manifests are skipped. */
export function selectManifest(manifests: Descriptor[], want: Platform): Descriptor {
  const candidates = manifests.filter((m) => m.platform && m.annotations?.['vnd.docker.reference.type'] !== 'attestation-manifest')
  const exact = candidates.find((m) => normalize(m.platform!).variant === normalize(want).variant && matches(want, m.platform!))
  const found = exact ?? candidates.find((m) => matches(want, m.platform!))
  if (!found) throw new BerthError('not-found', `no matching manifest for ${formatPlatform(normalize(want))} in the manifest list entries`)
  return found
}
