// Startup reconcile of the data root's tmp dir. Everything there is work in flight of one daemon:
// pull downloads, layers being unpacked or committed, load archives, build contexts, ADD downloads,
// blobs being written, a build step's writable layer. None of it outlives the daemon that made it,
// so a daemon starting (no call in flight yet) removes it all; a build's writable layer may still
// be mounted and is unmounted first (build/steps/rw-layer.ts).
import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { removeStaleRwLayers } from '../build/steps/rw-layer.js'

export async function clearTmp(tmpDir: string): Promise<void> {
  await removeStaleRwLayers(tmpDir)
  for (const name of await readdir(tmpDir).catch(() => [] as string[])) await rm(join(tmpDir, name), { recursive: true, force: true })
}
