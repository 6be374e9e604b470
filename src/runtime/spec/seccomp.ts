// Converts a Docker/moby-format seccomp profile into the OCI `linux.seccomp` object (pure).
//
// A moby profile is an OCI profile plus conditions: `archMap` (an architecture and the
// sub-architectures that come with it), and per rule `includes`/`excludes` filters on the
// container's capabilities, the host architecture (Go-style names: amd64, x86, x32, arm64…) and
// the kernel version (`minKernel`, "major.minor"). A rule is kept when every include matches and
// no exclude does; the conditions themselves never reach config.json. Capabilities are matched
// against the container's bounding set, as moby does.

import { BerthError } from '../../lib/errors.js'
import type { OciSeccomp, OciSeccompArg, OciSyscall } from './types.js'

export interface SeccompHost {
  /** The container's bounding capabilities (CAP_ names). */
  caps: readonly string[]
  /** Native architecture name as profiles spell it; 'amd64' on x86-64. */
  arch?: string
  /** `uname -r`; when absent, every minKernel condition counts as met. */
  kernelRelease?: string
}

/** Native (profile) architecture name → the libseccomp name runc wants. */
const NATIVE_TO_SCMP: Record<string, string> = {
  amd64: 'SCMP_ARCH_X86_64', x86: 'SCMP_ARCH_X86', x32: 'SCMP_ARCH_X32', arm64: 'SCMP_ARCH_AARCH64',
  arm: 'SCMP_ARCH_ARM', ppc64le: 'SCMP_ARCH_PPC64LE', s390x: 'SCMP_ARCH_S390X', riscv64: 'SCMP_ARCH_RISCV64',
}

/** Node's process.arch → native profile name. */
export function nativeArch(nodeArch: string): string {
  const map: Record<string, string> = { x64: 'amd64', ia32: 'x86', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }
  return map[nodeArch] ?? nodeArch
}

interface Filter {
  caps?: string[]
  arches?: string[]
  minKernel?: string
}

interface ProfileRule {
  name?: string
  names?: string[]
  action: string
  errnoRet?: number
  args?: OciSeccompArg[] | null
  includes?: Filter
  excludes?: Filter
}

interface Profile {
  defaultAction?: string
  defaultErrnoRet?: number
  architectures?: string[]
  archMap?: Array<{ architecture: string; subArchitectures?: string[] | null }>
  flags?: string[]
  syscalls?: ProfileRule[]
}

const fail = (why: string) => new BerthError('invalid', `Decoding seccomp profile failed: ${why}`)

/** Returns undefined when the profile disables seccomp (no default action and no rules). */
export function convertSeccompProfile(profile: unknown, host: SeccompHost): OciSeccomp | undefined {
  const p = checkProfile(profile)
  if (!p.defaultAction && (p.syscalls ?? []).length === 0) return undefined
  if (!p.defaultAction) throw fail('defaultAction is missing')
  if (p.architectures?.length && p.archMap?.length) {
    throw new BerthError('invalid', "both 'architectures' and 'archMap' are specified in the seccomp profile, use either 'architectures' or 'archMap'")
  }
  const arch = host.arch ?? 'amd64'
  const out: OciSeccomp = { defaultAction: p.defaultAction }
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet
  const architectures = p.architectures?.length ? [...p.architectures] : archesFromMap(p, arch)
  if (architectures.length) out.architectures = architectures
  if (p.flags?.length) out.flags = [...p.flags]
  out.syscalls = (p.syscalls ?? []).filter((r) => ruleApplies(r, arch, host)).map(toOciSyscall)
  return out
}

function archesFromMap(p: Profile, arch: string): string[] {
  const scmp = NATIVE_TO_SCMP[arch]
  const entry = p.archMap?.find((a) => a.architecture === scmp)
  return entry ? [entry.architecture, ...(entry.subArchitectures ?? [])] : []
}

function ruleApplies(r: ProfileRule, arch: string, host: SeccompHost): boolean {
  const ex = r.excludes
  if (ex) {
    if (ex.arches?.includes(arch)) return false
    if (ex.caps?.some((c) => host.caps.includes(c))) return false
    if (ex.minKernel && kernelAtLeast(host.kernelRelease, ex.minKernel)) return false
  }
  const inc = r.includes
  if (inc) {
    if (inc.arches?.length && !inc.arches.includes(arch)) return false
    if (inc.caps?.length && !inc.caps.every((c) => host.caps.includes(c))) return false
    if (inc.minKernel && !kernelAtLeast(host.kernelRelease, inc.minKernel)) return false
  }
  return true
}

function toOciSyscall(r: ProfileRule): OciSyscall {
  const s: OciSyscall = { names: r.names?.length ? [...r.names] : [r.name as string], action: r.action }
  if (r.errnoRet !== undefined) s.errnoRet = r.errnoRet
  if (r.args?.length) {
    s.args = r.args.map((a) => {
      const arg: OciSeccompArg = { index: a.index, value: a.value, op: a.op }
      if (a.valueTwo !== undefined && a.valueTwo !== 0) arg.valueTwo = a.valueTwo
      return arg
    })
  }
  return s
}

/** "6.18.44-fc" ≥ "5.8"? Only kernel and major revision count, as in moby. */
export function kernelAtLeast(release: string | undefined, min: string): boolean {
  if (release === undefined) return true
  const want = parseVersion(min)
  const m = /^(\d+)\.(\d+)/.exec(release)
  if (!want || !m) throw fail(`invalid kernel version: "${min}", expected "<kernel>.<major>"`)
  const have = [Number(m[1]), Number(m[2])]
  return have[0] !== want[0] ? have[0] > want[0] : have[1] >= want[1]
}

function parseVersion(v: string): [number, number] | undefined {
  const m = /^(\d+)\.(\d+)$/.exec(v)
  return m ? [Number(m[1]), Number(m[2])] : undefined
}

function checkProfile(profile: unknown): Profile {
  if (typeof profile !== 'object' || profile === null || Array.isArray(profile)) throw fail('not a JSON object')
  const p = profile as Profile
  if (p.defaultAction !== undefined && typeof p.defaultAction !== 'string') throw fail('defaultAction must be a string')
  if (p.syscalls !== undefined && p.syscalls !== null && !Array.isArray(p.syscalls)) throw fail('syscalls must be an array')
  for (const r of p.syscalls ?? []) {
    if (typeof r !== 'object' || r === null) throw fail('a syscall rule is not an object')
    if (r.name && r.names?.length) {
      throw new BerthError('invalid', "both 'name' and 'names' are specified in the seccomp profile, use either 'name' or 'names'")
    }
    if (!r.name && !r.names?.length) throw fail('a syscall rule has no names')
    if (typeof r.action !== 'string') throw fail(`rule for ${r.name ?? r.names?.[0]} has no action`)
    for (const f of [r.includes, r.excludes]) {
      if (f?.minKernel !== undefined && f.minKernel !== '' && !parseVersion(f.minKernel)) {
        throw fail(`invalid kernel version: "${f.minKernel}", expected "<kernel>.<major>"`)
      }
    }
  }
  return p
}
