// A container's mounts, decided at create from what the user asked for (HostConfig.Binds,
// HostConfig.Mounts, HostConfig.Tmpfs, HostConfig.VolumesFrom) and the image's Config.Volumes.
// Pure: the caller passes what it read from the host (does a bind source exist, the mounts of the
// --volumes-from containers) and performs the result (creates the volumes, the bind dirs).
//
// Terms: a *mount point* is one entry of Docker's `Mounts` (state/records.ts MountPoint). A volume
// mount point with an empty Name is an anonymous volume the caller still has to create. Docker's
// precedence: --volumes-from first, then Binds and Mounts replace entries at the same destination
// (two user mounts at one destination are refused), then Config.Volumes fill what is left.
import { posix } from 'node:path'
import { invalid } from '../../lib/errors.js'
import type { MountPoint } from '../../state/records.js'
import { checkVolumeName } from '../volumes/options.js'

/** HostConfig.Mounts entry (`--mount`), as Docker's API sends it. */
export interface MountSpec {
  Type?: string
  Source?: string
  Target?: string
  ReadOnly?: boolean
  BindOptions?: { Propagation?: string; CreateMountpoint?: boolean; NonRecursive?: boolean } | null
  VolumeOptions?: { NoCopy?: boolean; Subpath?: string; DriverConfig?: { Name?: string } | null } | null
  TmpfsOptions?: { SizeBytes?: number; Mode?: number } | null
}

export interface MountRequest {
  binds?: readonly string[] | null
  mounts?: readonly MountSpec[] | null
  tmpfs?: Record<string, string> | null
  /** the mounts of each --volumes-from container, with the mode asked for it */
  volumesFrom?: ReadonlyArray<{ mounts: readonly MountPoint[]; mode: string }>
  /** Config.Volumes (the image's and `-v /path`) */
  configVolumes?: readonly string[]
  sourceExists: (path: string) => boolean
}

const PROPAGATIONS = new Set(['private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave'])
const RW_MODES = new Set(['rw', 'ro'])
const LABEL_MODES = new Set(['z', 'Z'])
const COPY_MODES = new Set(['nocopy'])
const CONSISTENCY_MODES = new Set(['consistent', 'cached', 'delegated'])

export const DEFAULT_PROPAGATION = 'rprivate'

/** Docker's linuxValidMountMode: known words, at most one of each kind. */
export function isValidMode(mode: string): boolean {
  if (mode === '') return true
  const counts = [0, 0, 0, 0, 0]
  for (const o of mode.split(',')) {
    const kind = [RW_MODES, LABEL_MODES, PROPAGATIONS, COPY_MODES, CONSISTENCY_MODES].findIndex((set) => set.has(o))
    if (kind < 0) return false
    counts[kind]!++
  }
  return counts.every((n) => n <= 1)
}

/** Go's filepath.IsLocal: relative, non-empty, and `..` never climbs above where it starts. */
export function isLocalPath(p: string): boolean {
  if (p === '' || p.startsWith('/')) return false
  const clean = posix.normalize(p)
  return clean !== '..' && !clean.startsWith('../')
}

const modeWords = (mode: string) => (mode === '' ? [] : mode.split(','))

function checkTarget(type: string, target: string | undefined): string {
  const fail = (msg: string) => invalid(`invalid mount config for type "${type}": ${msg}`)
  if (!target) throw fail('field Target must not be empty')
  if (posix.normalize(target) === '/') throw fail("invalid specification: destination can't be '/'")
  if (!target.startsWith('/')) throw fail(`invalid mount path: '${target}' mount path must be absolute`)
  return posix.normalize(target).replace(/\/$/, '')
}

const volumePoint = (name: string, destination: string, rw: boolean, mode: string, copyData: boolean): MountPoint => ({
  Type: 'volume', Name: name, Source: '', Destination: destination, Driver: 'local', Mode: mode, RW: rw, Propagation: '', copyData,
})

/** One HostConfig.Binds entry: `/ctr`, `name:/ctr[:mode]`, `/host:/ctr[:mode]`. */
export function parseBind(raw: string): MountPoint {
  const spec = () => `invalid volume specification: '${raw}'`
  const arr = raw.split(':')
  if (arr[0] === '' || arr.length > 3) throw invalid(spec())
  let source = ''
  let target = arr[0]!
  let mode = ''
  if (arr.length === 2) {
    if (isValidMode(arr[1]!)) throw invalid(spec())
    ;[source, target] = [arr[0]!, arr[1]!]
  } else if (arr.length === 3) [source, target, mode] = [arr[0]!, arr[1]!, arr[2]!]
  if (!isValidMode(mode)) throw invalid(`invalid mode: ${mode}`)
  const words = modeWords(mode)
  const type = source.startsWith('/') ? 'bind' : 'volume'
  let destination: string
  try {
    destination = checkTarget(type, target)
  } catch (e) {
    throw invalid(`${spec()}: ${(e as Error).message}`)
  }
  const rw = !words.includes('ro')
  if (type === 'bind') {
    const propagation = words.find((w) => PROPAGATIONS.has(w)) ?? DEFAULT_PROPAGATION
    return { Type: 'bind', Source: posix.normalize(source).replace(/(.)\/$/, '$1'), Destination: destination, Mode: mode, RW: rw, Propagation: propagation }
  }
  if (source) checkVolumeName(source)
  return volumePoint(source, destination, rw, mode, !words.includes('nocopy'))
}

/** One HostConfig.Mounts entry (`--mount`); a bind source must exist (no CreateMountpoint). */
export function parseMountSpec(m: MountSpec, sourceExists: (path: string) => boolean): MountPoint {
  const type = m.Type ?? ''
  const fail = (msg: string) => invalid(`invalid mount config for type "${type}": ${msg}`)
  const destination = checkTarget(type, m.Target)
  const rw = !m.ReadOnly
  switch (type) {
    case 'bind': {
      if (!m.Source) throw fail('field Source must not be empty')
      const propagation = m.BindOptions?.Propagation || DEFAULT_PROPAGATION
      if (!PROPAGATIONS.has(propagation)) throw fail(`invalid propagation mode: ${propagation}`)
      if (m.VolumeOptions) throw fail('field VolumeOptions must not be specified')
      if (!m.Source.startsWith('/')) throw fail(`invalid mount path: '${m.Source}' mount path must be absolute`)
      if (!m.BindOptions?.CreateMountpoint && !sourceExists(m.Source)) throw fail(`bind source path does not exist: ${m.Source}`)
      const point: MountPoint = { Type: 'bind', Source: posix.normalize(m.Source).replace(/(.)\/$/, '$1'), Destination: destination, Mode: '', RW: rw, Propagation: propagation }
      return m.BindOptions?.NonRecursive ? { ...point, nonRecursive: true } : point
    }
    case 'volume': {
      if (m.BindOptions) throw fail('field BindOptions must not be specified')
      const subpath = m.VolumeOptions?.Subpath
      if (subpath && !m.Source) throw fail('must not set Subpath when using anonymous volumes')
      if (subpath && !isLocalPath(subpath)) throw fail('subpath must be a relative path within the volume')
      if (!m.Source && m.ReadOnly) throw fail('must not set ReadOnly mode when using anonymous volumes')
      const driver = m.VolumeOptions?.DriverConfig?.Name
      if (driver && driver !== 'local') throw invalid(`volume driver ${driver} is not supported: only "local"`)
      if (m.Source) checkVolumeName(m.Source)
      const point = volumePoint(m.Source ?? '', destination, rw, '', !m.VolumeOptions?.NoCopy)
      // Docker copies the image's content only into a whole volume
      return subpath ? { ...point, copyData: false, subpath: posix.normalize(subpath) } : point
    }
    case 'tmpfs': {
      if (m.BindOptions) throw fail('field BindOptions must not be specified')
      if (m.Source) throw fail('field Source must not be specified')
      const options = [...(m.ReadOnly ? ['ro'] : []), ...tmpfsSpecOptions(m.TmpfsOptions)]
      return { Type: 'tmpfs', Source: '', Destination: destination, Mode: '', RW: rw, Propagation: '', tmpfsOptions: options }
    }
    default:
      throw fail('mount type unknown')
  }
}

/** TmpfsOptions → `mode=1777,size=64m` words (Docker's ConvertTmpfsOptions). */
function tmpfsSpecOptions(o: MountSpec['TmpfsOptions']): string[] {
  const out: string[] = []
  if (o?.Mode) out.push(`mode=${o.Mode.toString(8)}`)
  if (o?.SizeBytes) {
    const units = [['g', 30], ['m', 20], ['k', 10]] as const
    const unit = units.find(([, shift]) => o.SizeBytes! % 2 ** shift === 0)
    out.push(unit ? `size=${o.SizeBytes / 2 ** unit[1]}${unit[0]}` : `size=${o.SizeBytes}`)
  }
  return out
}

const TMPFS_FLAGS = new Set([
  'defaults', 'ro', 'rw', 'suid', 'nosuid', 'dev', 'nodev', 'exec', 'noexec', 'sync', 'async', 'dirsync', 'mand', 'nomand',
  'atime', 'noatime', 'diratime', 'nodiratime', 'relatime', 'norelatime', 'strictatime', 'nostrictatime',
])
const TMPFS_DATA = new Set(['size', 'mode', 'uid', 'gid', 'nr_inodes', 'nr_blocks', 'mpol'])

/** One HostConfig.Tmpfs value (`size=64m,exec`): checked, returned as words. */
export function parseTmpfsOptions(dest: string, data: string): string[] {
  const words = data === '' ? [] : data.split(',')
  for (const w of words) {
    const key = w.split('=')[0]!
    if (w.includes('=') ? !TMPFS_DATA.has(key) : !TMPFS_FLAGS.has(w)) throw invalid(`invalid tmpfs option for ${dest}: ${w}`)
  }
  return words
}

/** The options of a tmpfs mount inside the container: Docker's noexec,nosuid,nodev unless the user says otherwise. */
export function tmpfsMountOptions(words: readonly string[]): string[] {
  const out = ['noexec', 'nosuid', 'nodev'].filter((d) => !words.includes(d.slice(2)))
  for (const w of words) if (!out.includes(w)) out.push(w)
  return out
}

/** --volumes-from `X[:ro|:rw]` → the container ref and the mode. */
export function parseVolumesFrom(spec: string): { ref: string; mode: string } {
  if (spec === '') throw invalid('volumes-from specification cannot be an empty string')
  const colon = spec.indexOf(':')
  const ref = colon < 0 ? spec : spec.slice(0, colon)
  const mode = colon < 0 ? 'rw' : spec.slice(colon + 1)
  const words = modeWords(mode)
  if (!isValidMode(mode) || words.some((w) => PROPAGATIONS.has(w) || COPY_MODES.has(w))) throw invalid(`invalid mode: ${mode}`)
  return { ref, mode }
}

/**
 * Every mount point of a new container, parent destinations first. HostConfig.Tmpfs entries take
 * part in the duplicate check but are not returned (Docker does not list them in `Mounts`).
 */
export function planMounts(req: MountRequest): MountPoint[] {
  const byDest = new Map<string, MountPoint>()
  for (const from of req.volumesFrom ?? []) {
    const ro = modeWords(from.mode).includes('ro')
    for (const m of from.mounts) {
      const { ownsVolume: _owned, copyData: _copy, ...shared } = m
      byDest.set(m.Destination, { ...shared, RW: m.RW && !ro, copyData: false })
    }
  }
  const user = new Set<string>()
  const add = (m: MountPoint) => {
    if (user.has(m.Destination)) throw invalid(`Duplicate mount point: ${m.Destination}`)
    user.add(m.Destination)
    byDest.set(m.Destination, m)
  }
  for (const raw of req.binds ?? []) add(parseBind(raw))
  for (const spec of req.mounts ?? []) add(parseMountSpec(spec, req.sourceExists))
  for (const [dest, data] of Object.entries(req.tmpfs ?? {})) {
    let d: string
    try {
      d = checkTarget('tmpfs', dest)
    } catch (e) {
      throw invalid((e as Error).message.replace(/^invalid mount config for type "tmpfs": /, ''))
    }
    parseTmpfsOptions(d, data)
    if (user.has(d)) throw invalid(`Duplicate mount point: ${d}`)
    user.add(d)
    byDest.delete(d)
  }
  for (const raw of req.configVolumes ?? []) {
    const dest = checkTarget('volume', raw.startsWith('/') ? raw : `/${raw}`)
    if (!byDest.has(dest) && !user.has(dest)) byDest.set(dest, volumePoint('', dest, true, '', true))
  }
  return sortParentFirst([...byDest.values()])
}

const depth = (p: string) => p.split('/').filter(Boolean).length

export function sortParentFirst<T extends { Destination: string }>(mounts: readonly T[]): T[] {
  return mounts.map((m, i) => ({ m, i })).sort((a, b) => depth(a.m.Destination) - depth(b.m.Destination) || a.i - b.i).map((x) => x.m)
}
