// Disk usage of a directory tree (`ps -s`, `system df`): apparent sizes of regular files and
// symlinks, hard links counted once, never following symlinks.
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'

export async function dirSize(root: string): Promise<number> {
  const seen = new Set<bigint>()
  let total = 0
  const walk = async (dir: string): Promise<void> => {
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch {
      return
    }
    await Promise.all(
      entries.map(async (e) => {
        const p = join(dir, e.name)
        if (e.isDirectory()) return walk(p)
        const st = await lstat(p, { bigint: true }).catch(() => undefined)
        if (!st || (!st.isFile() && !st.isSymbolicLink())) return
        if (st.nlink > 1n) {
          if (seen.has(st.ino)) return
          seen.add(st.ino)
        }
        total += Number(st.size)
      }),
    )
  }
  await walk(root)
  return total
}
