// What the volume service does to the host, behind one small interface so unit tests can drive
// its failure paths with a fake: directories under the volumes root, and the mount(2) of volumes
// with a `device` option. The real one uses node:fs and sys/ffi.
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { MNT_DETACH, mount, umount2 } from '../../sys/ffi.js'
import { dirSize } from '../../storage/size.js'
import type { VolumeMountSpec } from './options.js'

export interface VolumeHost {
  /** mkdir -p with this mode for the last component */
  makeDir(path: string, mode: number): Promise<void>
  removeTree(path: string): Promise<void>
  listDir(path: string): Promise<string[]>
  mount(spec: VolumeMountSpec): void
  /** lazy (MNT_DETACH): a volume is released even while something still has a file open in it */
  unmount(target: string): void
  /** mount points at or below `dir`, deepest first */
  mountsUnder(dir: string): Promise<string[]>
  size(dir: string): Promise<number>
}

/** /proc/self/mountinfo escapes space, tab, newline and backslash as \ooo. */
const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)))

export const realVolumeHost: VolumeHost = {
  makeDir: async (path, mode) => {
    await mkdir(path, { recursive: true, mode })
  },
  removeTree: (path) => rm(path, { recursive: true, force: true }),
  listDir: (path) => readdir(path).catch(() => []),
  mount: (s) => {
    mount(s.source, s.target, s.fstype, s.flags, s.data || null)
    if (s.propagation) mount('none', s.target, null, s.propagation, null)
  },
  unmount: (target) => {
    umount2(target, MNT_DETACH)
  },
  mountsUnder: async (dir) => {
    const info = await readFile('/proc/self/mountinfo', 'utf8')
    const points = info.split('\n').filter(Boolean).map((l) => unescape(l.split(' ')[4]!))
    return points.filter((p) => p === dir || p.startsWith(`${dir}/`)).sort((a, b) => b.length - a.length)
  },
  size: dirSize,
}
