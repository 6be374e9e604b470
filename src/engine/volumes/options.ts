// The local driver's decisions, as pure functions: which volume names are valid, which `-o`
// options are, and the mount(2) call a volume with a `device` option needs (Docker's
// volume/local driver and its mount-option parser, moby/sys/mount).
import { BerthError, invalid } from '../../lib/errors.js'

/** Docker's names.RestrictedNameChars; a name is one of these followed by one or more. */
export const NAME_CHARS = '[a-zA-Z0-9][a-zA-Z0-9_.-]'
const NAME_RE = new RegExp(`^${NAME_CHARS}+$`)

/** Docker's error text, wrapped as its OpErr does ("create <name>: …"). */
export function checkVolumeName(name: string): void {
  if (NAME_RE.test(name)) return
  throw invalid(
    `create ${name}: "${name}" includes invalid characters for a local volume name, only "${NAME_CHARS}" are allowed. ` +
      'If you intended to pass a host directory, use absolute path',
  )
}

/** The local driver's options and the ones each needs beside it. */
const REQUIRED: Record<string, readonly string[]> = { type: ['device'], device: ['type'], o: ['device', 'type'] }

export function checkOptions(name: string, opts: Record<string, string>): void {
  for (const key of Object.keys(opts).sort()) {
    if (key === 'size') throw invalid(`create ${name}: quota size requested but no quota support`)
    if (!(key in REQUIRED)) throw invalid(`create ${name}: invalid option: "${key}"`)
  }
  for (const [key, needs] of Object.entries(REQUIRED)) {
    if (!(key in opts)) continue
    for (const need of needs) if (!(need in opts)) throw invalid(`create ${name}: missing required option: "${need}"`)
  }
}

export function checkDriver(name: string, driver: string | undefined): void {
  if (driver === undefined || driver === '' || driver === 'local') return
  throw new BerthError('not-found', `create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`)
}

/** One mount(2) call, plus the propagation change that must be a call of its own. */
export interface VolumeMountSpec {
  source: string
  target: string
  fstype: string
  flags: number
  data: string
  propagation: number
}

// Linux MS_* values: [flag, set (true) or clear (false)]
const FLAGS: Record<string, [number, boolean]> = {
  defaults: [0, false], ro: [1, true], rw: [1, false], suid: [2, false], nosuid: [2, true],
  dev: [4, false], nodev: [4, true], exec: [8, false], noexec: [8, true], sync: [16, true], async: [16, false],
  remount: [32, true], mand: [64, true], nomand: [64, false], dirsync: [128, true],
  atime: [1024, false], noatime: [1024, true], diratime: [2048, false], nodiratime: [2048, true],
  bind: [4096, true], rbind: [4096 | 16384, true],
  relatime: [1 << 21, true], norelatime: [1 << 21, false], strictatime: [1 << 24, true], nostrictatime: [1 << 24, false],
}
const PROPAGATION: Record<string, number> = {
  unbindable: 1 << 17, runbindable: (1 << 17) | 16384, private: 1 << 18, rprivate: (1 << 18) | 16384,
  slave: 1 << 19, rslave: (1 << 19) | 16384, shared: 1 << 20, rshared: (1 << 20) | 16384,
}

/** The mount a volume with a `device` option needs on its _data directory; undefined for a plain directory. */
export function volumeMount(opts: Record<string, string>, target: string): VolumeMountSpec | undefined {
  if (!opts.device) return undefined
  let flags = 0
  let propagation = 0
  const data: string[] = []
  for (const o of (opts.o ?? '').split(',').filter(Boolean)) {
    const f = FLAGS[o]
    if (f) flags = f[1] ? flags | f[0] : flags & ~f[0]
    else if (o in PROPAGATION) propagation |= PROPAGATION[o]!
    else data.push(o)
  }
  return { source: opts.device, target, fstype: opts.type ?? 'none', flags, data: data.join(','), propagation }
}
