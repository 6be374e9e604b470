// Extended attributes travel in layer tars as PAX records `SCHILY.xattr.<name>=<value>`, and a
// value is raw bytes (security.capability is a binary struct). tar-stream only speaks strings
// here: its decoder turns every record value into UTF-8 text (invalid bytes become U+FFFD) and its
// encoder writes string values as UTF-8. Nothing in its API reaches the record bytes, so this
// module wraps its two PAX functions, once per process:
//   - decoding keeps tar-stream's strings unchanged and adds each xattr's raw bytes under
//     symbol keys of the same object (read them with xattrsOf);
//   - encoding accepts Buffer values and writes them as they are; headers with string values
//     only are encoded by tar-stream's own function, byte for byte as before.
// tar-stream's extractor and packer call these through its `headers` module object, so the
// wrapped functions are the ones used. A tar-stream whose internals moved fails loudly at load.
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const XATTR_PREFIX = 'SCHILY.xattr.'
const RAW = Symbol.for('berth.tar-pax')
/** Where an xattr's bytes sit in a decoded PAX object: one symbol per name, so that merging a
 * global header into an entry's (Object.assign in tar-stream) keeps the entry's value per name. */
const rawKey = (name: string) => Symbol.for(`berth.tar-pax.xattr.${name}`)

type PaxValue = string | Buffer
interface Headers {
  encodePax(opts: { name?: string; linkname?: string; pax?: Record<string, PaxValue> | null }): Buffer
  decodePax(buf: Buffer): Record<string, string>
  [RAW]?: true
}

/** One `<len> <key>=<value>\n` record; the length counts its own digits. */
function record(key: string, value: PaxValue): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), Buffer.isBuffer(value) ? value : Buffer.from(value), Buffer.from('\n')])
  let digits = String(body.length).length
  if (body.length + digits >= 10 ** digits) digits++
  return Buffer.concat([Buffer.from(String(body.length + digits)), body])
}

/** Each SCHILY.xattr record's value bytes, walking the records as tar-stream does. */
function rawXattrs(buf: Buffer): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  while (buf.length > 0) {
    const space = buf.indexOf(0x20)
    const len = space > 0 ? parseInt(buf.subarray(0, space).toString(), 10) : NaN
    if (!(len > space + 1) || len > buf.length) break
    const rec = buf.subarray(space + 1, len - 1) // without the trailing newline
    const eq = rec.indexOf(0x3d)
    if (eq < 0) break
    const key = rec.subarray(0, eq).toString('utf8')
    if (key.startsWith(XATTR_PREFIX)) out.set(key.slice(XATTR_PREFIX.length), Buffer.from(rec.subarray(eq + 1)))
    buf = buf.subarray(len)
  }
  return out
}

function install(): void {
  const require = createRequire(import.meta.url)
  const headers = require(join(dirname(require.resolve('tar-stream')), 'headers.js')) as Headers
  if (typeof headers.encodePax !== 'function' || typeof headers.decodePax !== 'function') {
    throw new Error('tar-stream: headers.encodePax/decodePax not found; binary-safe xattrs need them (see storage/tar-pax.ts)')
  }
  if (headers[RAW]) return
  const { encodePax, decodePax } = headers
  headers.decodePax = (buf) => {
    const result = decodePax(buf)
    // enumerable: tar-stream merges a global PAX header into each entry's with Object.assign
    for (const [name, value] of rawXattrs(buf)) Object.defineProperty(result, rawKey(name), { value, enumerable: true })
    return result
  }
  headers.encodePax = (opts) => {
    const pax = opts.pax ?? {}
    if (!Object.values(pax).some((v) => Buffer.isBuffer(v))) return encodePax(opts)
    const parts: Buffer[] = []
    if (opts.name) parts.push(record('path', opts.name))
    if (opts.linkname) parts.push(record('linkpath', opts.linkname))
    for (const [k, v] of Object.entries(pax)) parts.push(record(k, v))
    return Buffer.concat(parts)
  }
  headers[RAW] = true
}

install()

/** An entry's extended attributes with their exact bytes (none: an empty map). */
export function xattrsOf(pax: Record<string, string> | null | undefined): Map<string, Buffer> {
  const out = new Map<string, Buffer>()
  for (const [key, value] of Object.entries(pax ?? {})) {
    if (!key.startsWith(XATTR_PREFIX)) continue
    const name = key.slice(XATTR_PREFIX.length)
    const raw = (pax as Record<symbol, Buffer | undefined>)[rawKey(name)]
    out.set(name, raw ?? Buffer.from(value, 'utf8'))
  }
  return out
}

/** PAX records for `xattrs`, for a tar-stream header's `pax` (typed as strings; Buffers are encoded above). */
export function paxOf(xattrs: ReadonlyArray<readonly [string, Buffer]>): Record<string, string> {
  return Object.fromEntries(xattrs.map(([name, value]) => [XATTR_PREFIX + name, value])) as unknown as Record<string, string>
}

/**
 * Overlay's own bookkeeping (opaque dirs, redirects, origins, metacopy), with or without
 * `userxattr`: never copied into a layer nor restored from one, where it would steer the mount.
 */
export const isOverlayXattr = (name: string) => name.startsWith('trusted.overlay.') || name.startsWith('user.overlay.')
