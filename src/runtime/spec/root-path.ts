// Resolving a path inside a container's root filesystem on the host (impure: lstat, readlink).
//
// The rootfs belongs to the image, so any symlink in it may point anywhere: "/etc/passwd ->
// /host/secret" or "../../../../etc/shadow". Each component is resolved as if the rootfs were
// "/": absolute link targets restart at the rootfs, ".." stops at it. Like a chroot's lookup,
// without entering one. The result may not exist; the caller reads it and handles ENOENT.

import { lstat, readlink } from 'node:fs/promises'
import { join } from 'node:path'

const MAX_LINKS = 40 // Linux's MAXSYMLINKS

export async function resolveInRoot(root: string, path: string): Promise<string> {
  const done: string[] = []
  const todo = path.split('/').filter(Boolean)
  let links = 0
  while (todo.length) {
    const part = todo.shift()!
    if (part === '.') continue
    if (part === '..') {
      done.pop()
      continue
    }
    const host = join(root, ...done, part)
    let isLink = false
    try {
      isLink = (await lstat(host)).isSymbolicLink()
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' && (e as NodeJS.ErrnoException).code !== 'ENOTDIR') throw e
    }
    if (!isLink) {
      done.push(part)
      continue
    }
    if (++links > MAX_LINKS) throw Object.assign(new Error(`too many levels of symbolic links: ${path}`), { code: 'ELOOP' })
    const target = await readlink(host)
    if (target.startsWith('/')) done.length = 0
    todo.unshift(...target.split('/').filter(Boolean))
  }
  return join(root, ...done)
}
