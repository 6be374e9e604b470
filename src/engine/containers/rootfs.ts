// A container's own directory under the data root: the overlay upper/work dirs, the merged mount
// point and the generated /etc files. This module creates, mounts, unmounts and removes them.
import { mkdir, readFile, rm, writeFile, rename } from 'node:fs/promises'
import { join } from 'node:path'
import { MNT_DETACH, mountOverlay, umount2, SysError } from '../../sys/ffi.js'
import type { Paths } from '../../lib/paths.js'

export interface ContainerDirs {
  root: string
  upper: string
  work: string
  merged: string
  hostname: string
  hosts: string
  resolvConf: string
  log: string
}

export function containerDirs(paths: Paths, id: string): ContainerDirs {
  const root = join(paths.containers, id)
  return {
    root,
    upper: join(root, 'upper'),
    work: join(root, 'work'),
    merged: join(root, 'merged'),
    hostname: join(root, 'hostname'),
    hosts: join(root, 'hosts'),
    resolvConf: join(root, 'resolv.conf'),
    log: join(root, 'ctr.log'),
  }
}

export async function createDirs(d: ContainerDirs): Promise<void> {
  await mkdir(d.root, { recursive: true, mode: 0o710 })
  await Promise.all([mkdir(d.upper, { mode: 0o755 }), mkdir(d.work, { mode: 0o700 }), mkdir(d.merged, { mode: 0o755 })])
}

/** Writes a file by temp + rename so a crash never leaves half a file. */
export async function writeAtomic(path: string, content: string): Promise<void> {
  const tmp = `${path}.tmp`
  await writeFile(tmp, content, { mode: 0o644 })
  await rename(tmp, path)
}

export async function writeEtcFiles(d: ContainerDirs, files: { hostname: string; hosts: string; resolvConf: string }) {
  await Promise.all([
    writeAtomic(d.hostname, files.hostname),
    writeAtomic(d.hosts, files.hosts),
    writeAtomic(d.resolvConf, files.resolvConf),
  ])
}

export async function isMounted(path: string): Promise<boolean> {
  const info = await readFile('/proc/self/mountinfo', 'utf8')
  return info.split('\n').some((l) => l.split(' ')[4] === path)
}

export async function mountRootfs(d: ContainerDirs, lowerTopFirst: readonly string[]): Promise<void> {
  if (await isMounted(d.merged)) return
  mountOverlay(lowerTopFirst, d.upper, d.work, d.merged)
}

export function unmountRootfs(d: ContainerDirs): void {
  try {
    umount2(d.merged, MNT_DETACH)
  } catch (e) {
    // EINVAL: not a mount point (already unmounted); ENOENT: directory gone.
    if (e instanceof SysError && (e.code === 'EINVAL' || e.code === 'ENOENT')) return
    throw e
  }
}

export async function removeDirs(d: ContainerDirs): Promise<void> {
  unmountRootfs(d)
  await rm(d.root, { recursive: true, force: true })
}
