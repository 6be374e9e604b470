// The host effects the image store needs, bundled for the engine's wiring: syscalls for layer
// unpack (sys/ffi.ts) and running the host's busybox to list its applets (sys/exec.ts).
import * as ffi from '../sys/ffi.js'
import { run } from '../sys/exec.js'
import type { NodeOps } from './unpack.js'

export interface ImageHost {
  nodeOps: NodeOps
  /** `<busybox> --list-full` output. */
  listApplets(busybox: string): Promise<string>
}

export const hostImageHost: ImageHost = {
  nodeOps: { mknod: ffi.mknod, mkWhiteout: ffi.mkWhiteout, lchown: ffi.lchown, setXattr: ffi.setXattr },
  async listApplets(busybox) {
    const r = await run(busybox, ['--list-full'])
    if (r.code !== 0) throw new Error(`${busybox} --list-full: ${r.stderr.trim() || `exit status ${r.code}`}`)
    return r.stdout
  },
}
