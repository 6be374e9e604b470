// --ulimit → process.rlimits (pure).
//
// Docker's ulimit names map to RLIMIT_* types; -1 means unlimited (RLIM_INFINITY). No ulimits →
// no rlimits: runc then leaves the process with the limits it inherited from the daemon, which is
// what Docker does too (its containers inherit dockerd's limits). A hard limit above the daemon's
// own hard limit cannot be applied (raising it needs CAP_SYS_RESOURCE, which this machine's
// bounding set lacks) and runc would fail late with "operation not permitted"; we refuse early,
// naming the limit and the machine's maximum, rather than silently clamping.

import { BerthError } from '../../lib/errors.js'
import { RLIM_INFINITY, type OciRlimit, type U64 } from './types.js'

/** Docker (go-units) ulimit names → the rlimit type and the name /proc/<pid>/limits uses. */
export const ULIMITS: Record<string, { type: string; procName: string }> = {
  core: { type: 'RLIMIT_CORE', procName: 'Max core file size' },
  cpu: { type: 'RLIMIT_CPU', procName: 'Max cpu time' },
  data: { type: 'RLIMIT_DATA', procName: 'Max data size' },
  fsize: { type: 'RLIMIT_FSIZE', procName: 'Max file size' },
  locks: { type: 'RLIMIT_LOCKS', procName: 'Max file locks' },
  memlock: { type: 'RLIMIT_MEMLOCK', procName: 'Max locked memory' },
  msgqueue: { type: 'RLIMIT_MSGQUEUE', procName: 'Max msgqueue size' },
  nice: { type: 'RLIMIT_NICE', procName: 'Max nice priority' },
  nofile: { type: 'RLIMIT_NOFILE', procName: 'Max open files' },
  nproc: { type: 'RLIMIT_NPROC', procName: 'Max processes' },
  rss: { type: 'RLIMIT_RSS', procName: 'Max resident set' },
  rtprio: { type: 'RLIMIT_RTPRIO', procName: 'Max realtime priority' },
  rttime: { type: 'RLIMIT_RTTIME', procName: 'Max realtime timeout' },
  sigpending: { type: 'RLIMIT_SIGPENDING', procName: 'Max pending signals' },
  stack: { type: 'RLIMIT_STACK', procName: 'Max stack size' },
}

export type HardLimits = Record<string, number | 'unlimited'>

export interface Ulimit {
  name: string
  soft: number
  hard: number
}

const asU64 = (v: number): U64 => (v < 0 ? RLIM_INFINITY : v)
const show = (v: number | 'unlimited'): string => (v === 'unlimited' || v < 0 ? 'unlimited' : String(v))

/** Checks every ulimit against Docker's rules and the daemon's hard limits (keyed by Docker name). */
export function validateUlimits(ulimits: readonly Ulimit[], hardLimits: HardLimits): void {
  const seen = new Set<string>()
  for (const u of ulimits) {
    if (!ULIMITS[u.name]) throw new BerthError('invalid', `invalid ulimit type: ${u.name}`)
    if (seen.has(u.name)) throw new BerthError('invalid', `ulimit ${u.name} is given more than once`)
    seen.add(u.name)
    if (!Number.isInteger(u.soft) || !Number.isInteger(u.hard)) {
      throw new BerthError('invalid', `invalid ulimit ${u.name}: limits must be integers`)
    }
    const soft = u.soft < 0 ? Infinity : u.soft
    const hard = u.hard < 0 ? Infinity : u.hard
    if (soft > hard) {
      throw new BerthError('invalid', `ulimit soft limit must be less than or equal to hard limit: ${show(u.soft)} > ${show(u.hard)}`)
    }
    const max = hardLimits[u.name]
    const maxN = max === undefined || max === 'unlimited' ? Infinity : max
    if (hard > maxN) {
      throw new BerthError(
        'invalid',
        `ulimit ${u.name}: hard limit ${show(u.hard)} exceeds this machine's maximum of ${show(max as number)} (the daemon cannot raise it without CAP_SYS_RESOURCE)`,
      )
    }
  }
}

export function rlimitsFor(ulimits: readonly Ulimit[], hardLimits: HardLimits): OciRlimit[] {
  validateUlimits(ulimits, hardLimits)
  return ulimits.map((u) => ({ type: ULIMITS[u.name].type, hard: asU64(u.hard), soft: asU64(u.soft) }))
}
