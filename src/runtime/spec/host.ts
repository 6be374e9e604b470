// What buildSpec needs to know about the host, read once by the daemon (impure, read-only).
//
// boundingCaps: the daemon's bounding set (/proc/self/status CapBnd), which is what --privileged
// and "ALL" mean. hardLimits: the daemon's hard rlimits by Docker ulimit name (/proc/self/limits),
// the most a container may ask for. hostDevices: every device node under /dev, as Docker gives a
// privileged container. loadDefaultSeccomp: the moby-format profile shipped by containers-common.

import { readdir, readFile, lstat } from 'node:fs/promises'
import { release } from 'node:os'
import { join } from 'node:path'
import { BerthError } from '../../lib/errors.js'
import { capabilitiesFromMask } from './capabilities.js'
import { ULIMITS, type HardLimits } from './rlimits.js'
import type { OciDevice } from './types.js'

export const DEFAULT_SECCOMP_PATH = '/usr/share/containers/seccomp.json'

export async function boundingCaps(statusPath = '/proc/self/status'): Promise<string[]> {
  return parseCapBnd(await readFile(statusPath, 'utf8'))
}

export function parseCapBnd(status: string): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)\s*$/m.exec(status)
  if (!m) throw new BerthError('internal', 'read capabilities: no CapBnd line in /proc/self/status')
  return capabilitiesFromMask(m[1])
}

export async function hardLimits(limitsPath = '/proc/self/limits'): Promise<HardLimits> {
  return parseLimits(await readFile(limitsPath, 'utf8'))
}

/** /proc/<pid>/limits columns: name (words), soft, hard, units; aligned at fixed offsets. */
export function parseLimits(text: string): HardLimits {
  const out: HardLimits = {}
  const byProc = new Map(Object.entries(ULIMITS).map(([docker, u]) => [u.procName, docker]))
  for (const line of text.split('\n').slice(1)) {
    const m = /^(.+?)\s{2,}(\S+)\s+(\S+)/.exec(line)
    if (!m) continue
    const docker = byProc.get(m[1].trim())
    if (!docker) continue
    out[docker] = m[3] === 'unlimited' ? 'unlimited' : Number(m[3])
  }
  return out
}

export function kernelRelease(): string {
  return release()
}

export async function loadDefaultSeccomp(path = DEFAULT_SECCOMP_PATH): Promise<unknown> {
  let text: string
  try {
    text = await readFile(path, 'utf8')
  } catch (e) {
    throw new BerthError('internal', `load seccomp profile ${path}: ${(e as Error).message}`, { cause: e })
  }
  try {
    return JSON.parse(text)
  } catch (e) {
    throw new BerthError('internal', `load seccomp profile ${path}: ${(e as Error).message}`, { cause: e })
  }
}

/** Directories under /dev that hold no nodes of the host's own (containerd skips the same). */
const SKIP_DIRS = new Set(['pts', 'shm', 'fd', 'mqueue', '.lxc', '.lxd-mounts', '.udev'])
const S_IFMT = 0o170000
const S_IFCHR = 0o020000
const S_IFBLK = 0o060000

export async function hostDevices(root = '/dev'): Promise<OciDevice[]> {
  const out: OciDevice[] = []
  await walk(root, out, true)
  return out
}

async function walk(dir: string, out: OciDevice[], top: boolean): Promise<void> {
  for (const name of (await readdir(dir)).sort()) {
    const path = join(dir, name)
    const st = await lstat(path).catch(() => undefined)
    if (!st) continue
    if (st.isDirectory()) {
      if (!(top && SKIP_DIRS.has(name))) await walk(path, out, false)
      continue
    }
    if (top && name === 'console') continue // runc sets up the console itself
    const fmt = st.mode & S_IFMT
    if (fmt !== S_IFCHR && fmt !== S_IFBLK) continue
    const { major, minor } = splitDev(st.rdev)
    out.push({ path, type: fmt === S_IFCHR ? 'c' : 'b', major, minor, fileMode: st.mode & 0o7777, uid: st.uid, gid: st.gid })
  }
}

/** glibc's major()/minor() for a 64-bit dev_t. */
export function splitDev(rdev: number): { major: number; minor: number } {
  const d = BigInt(rdev)
  const major = Number(((d >> 8n) & 0xfffn) | ((d >> 32n) & 0xfffff000n))
  const minor = Number((d & 0xffn) | ((d >> 12n) & 0xffffff00n))
  return { major, minor }
}
