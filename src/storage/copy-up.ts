// Copy-up ("copy data"): filling a new, empty volume with what the image has at the mount point,
// before the volume hides it. Owners, modes, times, xattrs, symlinks, hard links and device nodes
// are preserved.
//
// Invariants: the source tree is walked with lstat and never through a symlink, and the path of
// the mount point is resolved inside the container's root (a symlink in the image cannot point
// the copy at the host). The destination is a directory the engine owns; nothing is written when
// it is not empty, so a volume is filled at most once. Directory modes are applied after their
// children are written, so a read-only directory in the image does not block its own copy.
import { chmod, copyFile, link, lstat, mkdir, readdir, readlink, symlink, utimes, lutimes } from 'node:fs/promises'
import type { Stats } from 'node:fs'
import { posix } from 'node:path'
import { getXattr, lchown, listXattrs, mknod, setXattr, SysError } from '../sys/ffi.js'
import { walk } from './walk.js'

const MAX_LINKS = 40

/**
 * The host path of `path` inside `root`, following symlinks as the container would see them
 * (absolute targets and `..` stay inside the root). Undefined when it does not exist.
 */
export async function resolveInRoot(root: string, path: string): Promise<string | undefined> {
  const pending = path.split('/').filter(Boolean)
  const done: string[] = []
  let links = 0
  while (pending.length) {
    const part = pending.shift()!
    if (part === '.') continue
    if (part === '..') {
      done.pop()
      continue
    }
    const abs = posix.join(root, ...done, part)
    const st = await lstat(abs).catch(() => undefined)
    if (!st) return undefined
    if (st.isSymbolicLink()) {
      if (++links > MAX_LINKS) return undefined
      const target = await readlink(abs)
      if (target.startsWith('/')) done.length = 0
      pending.unshift(...target.split('/').filter(Boolean))
      continue
    }
    done.push(part)
  }
  return posix.join(root, ...done)
}

export const isEmptyDir = async (dir: string) => (await readdir(dir)).length === 0

/**
 * Copies the content of `src` (a directory) into `dst` (an existing directory) when `dst` is
 * empty; `dst` itself takes `src`'s owner and mode. Returns whether anything was copied.
 */
export async function copyUp(src: string, dst: string): Promise<boolean> {
  const top = await lstat(src).catch(() => undefined)
  if (!top?.isDirectory() || !(await isEmptyDir(dst))) return false
  const linked = new Map<string, string>()
  const dirs: Array<{ path: string; st: Stats }> = []
  for await (const e of walk(src)) {
    const to = posix.join(dst, e.rel)
    const key = `${e.st.dev}:${e.st.ino}`
    if (!e.st.isDirectory() && e.st.nlink > 1 && linked.has(key)) {
      await link(linked.get(key)!, to)
      continue
    }
    if (e.st.isDirectory()) {
      await mkdir(to, { mode: 0o700 })
      dirs.push({ path: to, st: e.st })
    } else if (e.st.isSymbolicLink()) await symlink(await readlink(e.abs), to)
    else if (e.st.isFile()) await copyFile(e.abs, to)
    else if (e.st.isCharacterDevice() || e.st.isBlockDevice() || e.st.isFIFO()) mknod(to, e.st.mode, e.st.rdev)
    else continue // sockets belong to a process, not to the image
    if (e.st.nlink > 1 && !e.st.isDirectory()) linked.set(key, to)
    copyXattrs(e.abs, to)
    await copyMeta(to, e.st)
  }
  copyXattrs(src, dst)
  dirs.push({ path: dst, st: top })
  // deepest first, so setting a parent's times is not undone by writing a child
  for (const d of dirs.reverse()) await copyMeta(d.path, d.st)
  return true
}

async function copyMeta(path: string, st: Stats): Promise<void> {
  lchown(path, st.uid, st.gid)
  if (st.isSymbolicLink()) {
    await lutimes(path, st.atimeMs / 1000, st.mtimeMs / 1000)
    return
  }
  // after chown, which clears setuid/setgid bits
  await chmod(path, st.mode & 0o7777)
  await utimes(path, st.atimeMs / 1000, st.mtimeMs / 1000)
}

function copyXattrs(from: string, to: string): void {
  for (const name of listXattrs(from)) {
    const value = getXattr(from, name)
    if (value === undefined) continue
    try {
      setXattr(to, name, value)
    } catch (e) {
      // the volume's filesystem may lack a namespace the image's has (trusted.*, security.*)
      if (!(e instanceof SysError && (e.code === 'EOPNOTSUPP' || e.code === 'EPERM'))) throw e
    }
  }
}
