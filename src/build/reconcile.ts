// Startup reconcile of what builds keep under the engine's tmp dir: a build the previous daemon
// did not finish may have left a writable layer mounted (rw-layer.ts), an unpacked context
// (context.ts) and ADD downloads (download.ts). No build runs while the daemon starts.
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { CONTEXT_DIR_PREFIX } from './context.js'
import { DOWNLOAD_DIR_PREFIX } from './download.js'
import { removeStaleRwLayers } from './steps/rw-layer.js'

const LEFTOVERS = [CONTEXT_DIR_PREFIX, DOWNLOAD_DIR_PREFIX]

export async function removeStaleBuildDirs(tmpDir: string): Promise<void> {
  await removeStaleRwLayers(tmpDir)
  const names = await readdir(tmpDir).catch(() => [] as string[])
  for (const name of names.filter((n) => LEFTOVERS.some((p) => n.startsWith(p)))) await rm(join(tmpDir, name), { recursive: true, force: true })
}
