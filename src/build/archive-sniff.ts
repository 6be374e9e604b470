// ADD's archive detection, by content as Docker's IsArchivePath does: the (decompressed) start
// of the file must read as a tar header. gzip and zstd are inflated here (the unpacker extracts
// both); bzip2 and xz are named from their magic bytes only (berth cannot extract them yet).
import { constants, gunzipSync } from 'node:zlib'
import { Decompress } from 'fzstd'
import { detectCompression, isTarHeader } from '../lib/archive-magic.js'

export type ArchiveKind = 'tar' | 'gzip' | 'bzip2' | 'xz' | 'zstd'

/** What kind of archive the file's first bytes show, or undefined for an ordinary file. */
export function archiveKind(head: Buffer): ArchiveKind | undefined {
  const compression = detectCompression(head)
  if (compression === 'none') return isTarHeader(head) ? 'tar' : undefined
  if (compression === 'bzip2' || compression === 'xz') return compression
  try {
    const start = compression === 'gzip' ? gunzipSync(head, { finishFlush: constants.Z_SYNC_FLUSH }) : unzstdStart(head)
    return isTarHeader(start) ? compression : undefined
  } catch {
    return undefined
  }
}

/** What the first bytes of a zstd stream inflate to (fzstd decodes block by block). */
function unzstdStart(head: Buffer): Buffer {
  const out: Buffer[] = []
  new Decompress((chunk) => out.push(Buffer.from(chunk))).push(head)
  return Buffer.concat(out)
}
