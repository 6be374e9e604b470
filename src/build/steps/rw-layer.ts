// A writable layer over an image, without a container: what COPY, ADD and WORKDIR write into
// (moby's RWLayer). The overlay is mounted on a fresh directory under the engine's tmp dir; the
// upper dir is what the step commits. On a scratch base there is nothing to mount: the upper
// dir itself is the root. `release()` unmounts and removes everything, also after a failure.
import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { MNT_DETACH, mountOverlay, umount2, SysError } from '../../sys/ffi.js'

export interface RwLayer {
  /** The merged view to write into (host path of the image's `/`). */
  root: string
  /** The changes only: the directory to commit. */
  upper: string
  /** Unmounts (before committing) and keeps the directories. Safe to call twice. */
  unmount(): void
  /** Unmounts and removes the directories. Safe to call twice. */
  release(): Promise<void>
}

const PREFIX = 'build-layer-'

export async function openRwLayer(tmpDir: string, lowerTopFirst: readonly string[]): Promise<RwLayer> {
  const dir = await mkdtemp(join(tmpDir, PREFIX))
  const upper = join(dir, 'upper')
  const work = join(dir, 'work')
  const merged = join(dir, 'merged')
  let mounted = false
  const unmount = () => {
    if (!mounted) return
    try {
      umount2(merged, MNT_DETACH)
    } catch (e) {
      if (!(e instanceof SysError && (e.code === 'EINVAL' || e.code === 'ENOENT'))) throw e
    }
    mounted = false
  }
  const release = async () => {
    unmount()
    await rm(dir, { recursive: true, force: true })
  }
  try {
    await mkdir(upper, { mode: 0o755 })
    if (lowerTopFirst.length === 0) return { root: upper, upper, unmount, release }
    await mkdir(work, { mode: 0o700 })
    await mkdir(merged, { mode: 0o755 })
    mountOverlay(lowerTopFirst, upper, work, merged)
    mounted = true
    return { root: merged, upper, unmount, release }
  } catch (e) {
    await release()
    throw e
  }
}

/**
 * Startup reconcile: writable layers of builds that a daemon crash interrupted are unmounted
 * and removed (nothing uses them once the daemon is gone).
 */
export async function removeStaleRwLayers(tmpDir: string): Promise<void> {
  const names = await readdir(tmpDir).catch(() => [] as string[])
  for (const name of names.filter((n) => n.startsWith(PREFIX))) {
    const merged = join(tmpDir, name, 'merged')
    try {
      umount2(merged, MNT_DETACH)
    } catch {
      // not mounted (or already gone): nothing to undo
    }
    await rm(join(tmpDir, name), { recursive: true, force: true })
  }
}
