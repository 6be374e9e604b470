// Tree walking for layers: device numbers and overlay whiteouts of the entries a walk yields.
import type { Stats } from 'node:fs'

// The walk itself lives in lib/ (the client packs build contexts with it too).
export { walk, type WalkEntry } from '../lib/tree-walk.js'

/** glibc's major/minor of a device number. */
export const major = (rdev: number) => Number(((BigInt(rdev) >> 8n) & 0xfffn) | ((BigInt(rdev) >> 32n) & ~0xfffn))
export const minor = (rdev: number) => Number((BigInt(rdev) & 0xffn) | ((BigInt(rdev) >> 12n) & ~0xffn))

/** An overlay whiteout: a character device 0/0. */
export const isWhiteout = (st: Stats) => st.isCharacterDevice() && st.rdev === 0
