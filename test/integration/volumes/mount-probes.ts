// What the mount tests read back from their daemon: a container's `Mounts` through either CLI,
// the volume directories on disk, and a fresh host directory under the test's own directory.
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import type { TestDaemon } from '../../helpers/daemon.js'

export interface Mount {
  Type: string
  Name?: string
  Source: string
  Destination: string
  Driver?: string
  Mode: string
  RW: boolean
  Propagation: string
}

/** The probes for the daemon `daemon()` returns (a test file starts it in `before`). */
export function mountProbes(daemon: () => TestDaemon) {
  return {
    mountsOf(cli: 'docker' | 'berth', name: string): Mount[] {
      const r = daemon()[cli](['inspect', '-f', '{{json .Mounts}}', name])
      assert.equal(r.code, 0, r.stderr)
      return JSON.parse(r.stdout)
    },
    volumeNames(): string[] {
      const dir = join(daemon().dataRoot, 'volumes')
      return existsSync(dir) ? readdirSync(dir).sort() : []
    },
    hostDir(name: string): string {
      const p = join(daemon().dir, name)
      mkdirSync(p, { recursive: true })
      return p
    },
  }
}
