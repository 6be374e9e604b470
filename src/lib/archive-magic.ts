// What the first bytes of a stream say it is: a compression format by its magic bytes, or a tar
// by a header block whose checksum holds. Used by layer unpacking (storage/), ADD (build/) and
// the client's `build -` (a tar on stdin, or a lone Dockerfile).

export type Compression = 'none' | 'gzip' | 'zstd' | 'xz' | 'bzip2'

export function detectCompression(head: Buffer): Compression {
  const starts = (...b: number[]) => b.every((x, i) => head[i] === x)
  if (starts(0x1f, 0x8b)) return 'gzip'
  if (starts(0x28, 0xb5, 0x2f, 0xfd)) return 'zstd'
  if (starts(0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00)) return 'xz'
  if (starts(0x42, 0x5a, 0x68)) return 'bzip2'
  return 'none'
}

/** True when the first 512 bytes are a tar header with a valid checksum. */
export function isTarHeader(block: Buffer): boolean {
  if (block.length < 512) return false
  const stored = block.subarray(148, 156).toString('latin1').replace(/[\0 ]+$/, '').trim()
  if (!/^[0-7]+$/.test(stored)) return false
  let sum = 0
  for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 0x20 : block[i]!
  return sum === parseInt(stored, 8)
}
