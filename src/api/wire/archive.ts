// The X-Docker-Container-Path-Stat header of the archive endpoints: base64 of a JSON
// ContainerPathStat, whose mode is Go's os.FileMode (type bits high, permissions low).
import type { PathStat } from '../../engine/containers/archive.js'

const S_IFMT = 0o170000
const GO = {
  dir: 2 ** 31,
  symlink: 2 ** 27,
  device: 2 ** 26,
  namedPipe: 2 ** 25,
  socket: 2 ** 24,
  setuid: 2 ** 23,
  setgid: 2 ** 22,
  charDevice: 2 ** 21,
  sticky: 2 ** 20,
}

/** st_mode → Go FileMode, as Go's os.Lstat computes it. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777
  switch (mode & S_IFMT) {
    case 0o040000: m += GO.dir; break
    case 0o120000: m += GO.symlink; break
    case 0o060000: m += GO.device; break
    case 0o020000: m += GO.device + GO.charDevice; break
    case 0o010000: m += GO.namedPipe; break
    case 0o140000: m += GO.socket; break
    default: break
  }
  if (mode & 0o4000) m += GO.setuid
  if (mode & 0o2000) m += GO.setgid
  if (mode & 0o1000) m += GO.sticky
  return m
}

export function pathStatHeader(s: PathStat): string {
  const json = { name: s.name, size: s.size, mode: goFileMode(s.mode), mtime: s.mtime.toISOString(), linkTarget: s.linkTarget }
  return Buffer.from(JSON.stringify(json)).toString('base64')
}
