// The client side of a build context: what `berth build` sends as the POST /build body, as the
// docker CLI builds it (cli/command/image/build): a directory walked with its .dockerignore
// applied, but the Dockerfile and .dockerignore always sent (the daemon drops them from COPY if
// they match); entries owned by root; a Dockerfile outside the context (or `-f -`) added under a
// random `.dockerfile.<hex>` name; `-` as the context: stdin holds a tar (plain or compressed),
// or a lone Dockerfile that becomes the whole context.
import { randomBytes } from 'node:crypto'
import { createReadStream, type Stats } from 'node:fs'
import { lstat, readlink, realpath, readFile } from 'node:fs/promises'
import { posix } from 'node:path'
import { PassThrough, Readable } from 'node:stream'
import tar from 'tar-stream'
import { BerthError } from '../lib/errors.js'
import { detectCompression, isTarHeader } from '../lib/archive-magic.js'
import { ignoreMatcher, readDockerignore, type IgnoreMatcher } from '../lib/dockerignore.js'
import { add, type TarHeader } from '../lib/tar-entry.js'
import { walk } from '../lib/tree-walk.js'

export interface SendContextOptions {
  /** The context argument: a directory, or `-` (stdin holds a tar or a lone Dockerfile). */
  context: string
  /** `-f`: the Dockerfile path (relative to `cwd`, as docker does), or `-` for stdin. */
  dockerfile?: string
  /** stdin, used when context or dockerfile is `-`. */
  stdin?: Readable
  /** Where relative paths start; default process.cwd(). */
  cwd?: string
}

export interface PreparedContext {
  /** The tar stream to send (uncompressed, or as stdin gave it). */
  body: Readable
  /** The `dockerfile` query parameter to send with it; undefined leaves the daemon's default. */
  dockerfile?: string
}

const invalid = (message: string) => new BerthError('invalid', message)
const isRemote = (s: string): boolean => /^(https?:\/\/|git@|git:\/\/|github\.com\/)/.test(s)

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string))
  return Buffer.concat(chunks)
}

/** Reads up to `n` bytes from a stream and gives back a stream that still yields everything. */
async function peek(stream: Readable, n: number): Promise<[Buffer, Readable]> {
  const it = stream[Symbol.asyncIterator]()
  let head = Buffer.alloc(0)
  let done = false
  while (head.length < n) {
    const r = await it.next()
    if (r.done) {
      done = true
      break
    }
    head = Buffer.concat([head, Buffer.isBuffer(r.value) ? r.value : Buffer.from(r.value as string)])
  }
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length) yield head
    if (done) return
    for (let r = await it.next(); !r.done; r = await it.next()) yield r.value as Buffer
  }
  return [head, Readable.from(all(), { objectMode: false })]
}

/** Docker CLI's isArchive: compressed, or a readable tar header. */
export const isArchiveStart = (head: Buffer): boolean => detectCompression(head) !== 'none' || isTarHeader(head)

/** A tar holding one file, for a Dockerfile read from stdin. */
function singleFileTar(name: string, content: Buffer): Readable {
  const pack = tar.pack()
  pack.entry({ name, size: content.length, mode: 0o600, mtime: new Date() }, content)
  pack.finalize()
  return pack as unknown as Readable
}

async function fromStdin(opts: SendContextOptions): Promise<PreparedContext> {
  if (!opts.stdin) throw invalid('unable to prepare context from STDIN: no standard input')
  if (opts.dockerfile === '-') throw invalid("invalid argument: can't use stdin for both build context and dockerfile")
  const [head, stream] = await peek(opts.stdin, 512)
  if (isArchiveStart(head)) return { body: stream, dockerfile: opts.dockerfile }
  if (opts.dockerfile !== undefined && opts.dockerfile !== '') {
    throw invalid('unable to prepare context from STDIN: ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles')
  }
  return { body: singleFileTar('Dockerfile', await readAll(stream)), dockerfile: 'Dockerfile' }
}

async function exists(p: string): Promise<boolean> {
  return lstat(p).then(() => true, () => false)
}

/** docker CLI's getDockerfileRelPath: the Dockerfile's absolute path, symlinks evaluated. */
async function locateDockerfile(contextDir: string, given: string | undefined, cwd: string): Promise<string> {
  let abs = given ? posix.resolve(cwd, given) : posix.join(contextDir, 'Dockerfile')
  if (!given && !(await exists(abs)) && (await exists(posix.join(contextDir, 'dockerfile')))) abs = posix.join(contextDir, 'dockerfile')
  try {
    return await realpath(abs)
  } catch {
    throw invalid(`unable to prepare context: cannot locate Dockerfile: ${JSON.stringify(abs)}`)
  }
}

/** docker CLI's TrimBuildFilesFromExcludes: never leave out .dockerignore or the Dockerfile. */
export function keepBuildFiles(patterns: readonly string[], dockerfileRel: string | undefined): string[] {
  const out = [...patterns]
  if (ignoreMatcher(out).isExcluded('.dockerignore')) out.push('!.dockerignore')
  if (dockerfileRel && ignoreMatcher(out).isExcluded(dockerfileRel)) out.push(`!${dockerfileRel}`)
  return out
}

async function addEntry(pack: tar.Pack, rel: string, abs: string, st: Stats, links: Map<string, string>): Promise<void> {
  const base = { uid: 0, gid: 0, mode: st.mode & 0o7777, mtime: new Date(Math.floor(st.mtimeMs / 1000) * 1000) }
  if (st.isDirectory()) return add(pack, { ...base, name: `${rel}/`, type: 'directory' })
  if (st.isSymbolicLink()) return add(pack, { ...base, name: rel, type: 'symlink', linkname: await readlink(abs) })
  if (!st.isFile()) return // sockets, fifos and devices have no place in a build context
  const key = `${st.dev}:${st.ino}`
  const first = st.nlink > 1 ? links.get(key) : undefined
  if (first) return add(pack, { ...base, name: rel, type: 'link', linkname: first, size: 0 })
  if (st.nlink > 1) links.set(key, rel)
  const h: TarHeader = { ...base, name: rel, type: 'file', size: st.size }
  return add(pack, h, st.size ? createReadStream(abs, { end: st.size - 1 }) : undefined)
}

/** The context directory as a tar, ignored paths left out, `extra` files appended. */
export function packContext(dir: string, matcher: IgnoreMatcher, extra: Array<{ name: string; content: Buffer }> = []): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  ;(pack as unknown as Readable).pipe(out)
  ;(async () => {
    const links = new Map<string, string>()
    const pruned = (e: { rel: string; st: Stats }) => e.st.isDirectory() && matcher.isExcluded(e.rel) && !matcher.mayReinclude(e.rel)
    for await (const e of walk(dir, pruned)) {
      if (matcher.isExcluded(e.rel)) continue
      await addEntry(pack, e.rel, e.abs, e.st, links)
    }
    for (const f of extra) await add(pack, { name: f.name, size: f.content.length, mode: 0o600, uid: 0, gid: 0, mtime: new Date() }, Readable.from([f.content]))
    pack.finalize()
  })().catch((e: Error) => out.destroy(e))
  return out
}

/** Builds the body and dockerfile parameter for POST /build. Errors use the docker CLI's wording. */
export async function prepareContext(opts: SendContextOptions): Promise<PreparedContext> {
  const cwd = opts.cwd ?? process.cwd()
  if (opts.context === '-') return fromStdin(opts)
  if (isRemote(opts.context)) {
    throw new BerthError('not-implemented', `unable to prepare context: remote build contexts are not supported yet: ${opts.context}`)
  }
  const given = posix.resolve(cwd, opts.context)
  const st = await lstat(given).catch(() => undefined)
  if (!st) throw invalid(`unable to prepare context: path ${JSON.stringify(opts.context)} not found`)
  const contextDir = await realpath(given)
  if (!(await lstat(contextDir)).isDirectory()) throw invalid(`unable to prepare context: context must be a directory: ${contextDir}`)
  const extra: Array<{ name: string; content: Buffer }> = []
  let dockerfileRel: string | undefined
  if (opts.dockerfile === '-') {
    if (!opts.stdin) throw invalid('unable to prepare context: no standard input for -f -')
    dockerfileRel = `.dockerfile.${randomBytes(10).toString('hex')}`
    extra.push({ name: dockerfileRel, content: await readAll(opts.stdin) })
  } else {
    const abs = await locateDockerfile(contextDir, opts.dockerfile, cwd)
    const rel = posix.relative(contextDir, abs)
    if (rel.startsWith('../') || rel === '..') {
      dockerfileRel = `.dockerfile.${randomBytes(10).toString('hex')}`
      extra.push({ name: dockerfileRel, content: await readFile(abs) })
    } else dockerfileRel = rel
  }
  const patterns = keepBuildFiles(await readDockerignore(contextDir), opts.dockerfile === '-' ? undefined : dockerfileRel)
  return { body: packContext(contextDir, ignoreMatcher(patterns), extra), dockerfile: dockerfileRel }
}
