// Content digests and layer chain IDs (OCI image spec).
// A digest is `sha256:<64 hex>`; a chain ID identifies a layer together with everything below
// it: chain(0) = diffId(0), chain(n) = sha256(chain(n-1) + " " + diffId(n)).
import { createHash } from 'node:crypto'
import { Transform, type TransformCallback } from 'node:stream'

export const sha256 = (data: string | Buffer): string => 'sha256:' + createHash('sha256').update(data).digest('hex')

export const hexOf = (digest: string): string => digest.replace(/^sha256:/, '')

export const isDigest = (s: string): boolean => /^sha256:[0-9a-f]{64}$/.test(s)

/** The chain ID of layer `diffId` on the layer `parent` (null: a bottom layer). */
export const chainIdOf = (parent: string | null, diffId: string): string => (parent === null ? diffId : sha256(`${parent} ${diffId}`))

export function chainIds(diffIds: readonly string[]): string[] {
  const out: string[] = []
  for (const d of diffIds) out.push(chainIdOf(out.at(-1) ?? null, d))
  return out
}

/** A pass-through stream that hashes and counts what flows through it. */
export class DigestStream extends Transform {
  private readonly hash = createHash('sha256')
  bytes = 0

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk)
    this.bytes += chunk.length
    cb(null, chunk)
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return 'sha256:' + this.hash.copy().digest('hex')
  }
}
