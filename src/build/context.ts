// The daemon side of a build context: the POST /build body (a tar, plain or gzip) unpacked with
// the safe unpacker (storage/unpack.ts: no `../` names, no writes through planted symlinks, hard
// links only inside, no device nodes) into a fresh directory under the engine's tmp dir; the
// Dockerfile located and read; .dockerignore applied (the docker CLI already leaves ignored files
// out; a client that did not is filtered here, and the Dockerfile and .dockerignore themselves
// are dropped after reading when they match, as Docker does). The caller owns the directory
// through cleanup(); on failure nothing is left behind.
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises'
import { posix } from 'node:path'
import { pipeline, Transform, type Readable, type TransformCallback } from 'node:stream'
import { BerthError } from '../lib/errors.js'
import { decompressed } from '../storage/decompress.js'
import { resolveInScope } from '../storage/scoped-path.js'
import { unpack } from '../storage/unpack.js'
import { ignoreMatcher, readDockerignore, type IgnoreMatcher } from '../lib/dockerignore.js'
import { walk } from '../lib/tree-walk.js'

export const DEFAULT_DOCKERFILE = 'Dockerfile'
/** Largest context accepted by default (uncompressed tar bytes). */
export const DEFAULT_MAX_CONTEXT_BYTES = 8 * 1024 ** 3

export interface ContextOptions {
  /** The engine's scratch dir (Paths.tmp); the context goes in a new directory below it. */
  tmpDir: string
  /** The `dockerfile` query parameter; default `Dockerfile`. Must stay inside the context. */
  dockerfile?: string
  /** The `remote` query parameter: refused (not supported). */
  remote?: string
  /** Refuse a context whose uncompressed tar exceeds this many bytes. */
  maxBytes?: number
}

export interface BuildContext {
  /** The unpacked context directory (absolute). */
  dir: string
  /** The Dockerfile's text. */
  dockerfile: string
  /** The Dockerfile's path inside the context as found (`Dockerfile`, `dockerfile`, `sub/Dockerfile.dev`). */
  dockerfilePath: string
  /** The .dockerignore patterns of the context (already applied to `dir`). */
  ignore: string[]
  /** Removes the directory. Safe to call more than once. */
  cleanup(): Promise<void>
}

/** Fails the stream once more than `max` bytes went through. */
class SizeLimit extends Transform {
  private seen = 0
  constructor(private readonly max: number) {
    super()
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.seen += chunk.length
    if (this.seen > this.max) cb(new BerthError('invalid', `build context is larger than the limit of ${this.max} bytes`))
    else cb(null, chunk)
  }
}

/** Checks the `dockerfile` parameter: relative, clean, inside the context. */
export function dockerfileParam(name: string | undefined): string {
  const raw = name === undefined || name === '' ? DEFAULT_DOCKERFILE : name
  const clean = posix.normalize(raw.replace(/^\/+/, ''))
  if (clean === '..' || clean.startsWith('../') || clean === '.') {
    throw new BerthError('invalid', `forbidden path outside the build context: ${raw} ()`)
  }
  return clean
}

async function readInside(dir: string, rel: string): Promise<string | undefined> {
  const r = await resolveInScope({ root: dir, mounts: [] }, `/${rel}`, { followLast: true })
  if ('missing' in r) return undefined
  try {
    if (!r.entry.st.isFile()) return undefined
    // the entry is held by an O_PATH descriptor, which cannot be read: reopen it through /proc
    return await readFile(`/proc/self/fd/${r.entry.fh.fd}`, 'utf8')
  } finally {
    await r.entry.fh.close()
  }
}

/** Docker's lookup: the named file, else `dockerfile` when the default name is missing. */
async function findDockerfile(dir: string, name: string): Promise<{ path: string; text: string }> {
  const text = await readInside(dir, name)
  if (text !== undefined) return { path: name, text }
  if (name === DEFAULT_DOCKERFILE) {
    const lower = await readInside(dir, name.toLowerCase())
    if (lower !== undefined) return { path: name.toLowerCase(), text: lower }
  }
  throw new BerthError('invalid', `Cannot locate specified Dockerfile: ${name}`)
}

/** Removes excluded entries; descends into excluded directories only when a `!` may re-include below. */
async function prune(dir: string, m: IgnoreMatcher): Promise<void> {
  if (m.patterns.length === 0) return
  const doomed = new Set<string>()
  for await (const e of walk(dir, (e) => doomed.has(e.rel))) {
    if (!m.isExcluded(e.rel)) continue
    if (e.st.isDirectory() && m.mayReinclude(e.rel)) continue
    doomed.add(e.rel)
  }
  for (const rel of doomed) await rm(posix.join(dir, rel), { recursive: true, force: true })
}

/**
 * Unpacks a build context body into a new directory under `opts.tmpDir`. Errors are
 * BerthError: 'invalid' for a bad archive, size or Dockerfile path; 'not-implemented' for `remote`.
 */
export async function receiveContext(body: Readable, opts: ContextOptions): Promise<BuildContext> {
  if (opts.remote !== undefined && opts.remote !== '') {
    body.resume()
    throw new BerthError('not-implemented', `remote build contexts are not supported (remote=${opts.remote}): send the context as the request body`)
  }
  const name = dockerfileParam(opts.dockerfile)
  await mkdir(opts.tmpDir, { recursive: true })
  const dir = await mkdtemp(posix.join(opts.tmpDir, 'build-context-'))
  const cleanup = () => rm(dir, { recursive: true, force: true })
  try {
    const limited = new SizeLimit(opts.maxBytes ?? DEFAULT_MAX_CONTEXT_BYTES)
    pipeline(decompressed(body), limited, () => {}) // a failure reaches unpack through `limited`
    await unpack(limited, dir, {})
    const ignore = await readDockerignore(dir)
    const { path, text } = await findDockerfile(dir, name)
    const matcher = ignoreMatcher(ignore)
    await prune(dir, matcher)
    return { dir, dockerfile: text, dockerfilePath: path, ignore, cleanup }
  } catch (e) {
    await cleanup()
    throw e
  }
}
