// ADD's archive detection, by content as Docker's IsArchivePath does: the (decompressed) start
// of the file must read as a tar header. gzip is inflated here; bzip2, xz and zstd are named
// from their magic bytes only (berth cannot extract them yet).
import { constants, gunzipSync } from 'node:zlib'
import { detectCompression } from '../storage/decompress.js'

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd'

/** True when the first 512 bytes are a tar header with a valid checksum. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false
  const stored = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim()
  if (!/^[0-7]+$/.test(stored)) return false
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  return sum === parseInt(stored, 8)
}

/** What kind of archive the file's first bytes show, or undefined for an ordinary file. */
export function archiveKind(head: Buffer): ArchiveKind | undefined {
  const compression = detectCompression(head)
  if (compression === 'none') return isTarHeader(head) ? 'tar' : undefined
  if (compression !== 'gzip') return compression
  try {
    return isTarHeader(gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH })) ? 'gzip' : undefined
  } catch {
    return undefined
  }
}
