// COPY/ADD sources as Docker's classic builder resolves them (moby builder/dockerfile copy.go):
// source words matched against a root (the context, or a stage's or image's root for --from)
// with Go filepath.Match globs, never leaving the root (symlinks are followed inside it, as a
// chroot would); the plan of where each source lands given WORKDIR; and --chown / --chmod values.
import { open } from 'node:fs/promises'
import { posix } from 'node:path'
import { BerthError } from '../lib/errors.js'
import { resolveInScope } from '../storage/scoped-path.js'
import { walk } from '../lib/tree-walk.js'
import { archiveKind, type ArchiveKind } from './archive-sniff.js'
import { isDownloadUrl, UNNAMED } from './download.js'
import { globToRegExp, hasWildcards } from './glob.js'

/** One resolved source. */
export interface CopySource {
  /** Absolute host path of what the source resolved to (symlinks followed inside the root). */
  abs: string
  /** The path as named, relative to the root (`.` for the root itself); its basename names a copied file. */
  rel: string
  isDir: boolean
  /** ADD only: the file is a local archive (detected by content) that ADD extracts. */
  archive?: ArchiveKind
}

/** One copy step. */
export interface CopyStep {
  src: CopySource
  /**
   * Absolute, clean container path. A file: the file's own path. A directory: the directory
   * its contents go into. An archive (ADD): the directory it is extracted into.
   */
  dest: string
  /** ADD only: extract the archive into `dest` instead of copying the file. */
  extract?: boolean
}

export interface ResolveOptions {
  /** The root sources are relative to (the context dir, or a stage/image root for --from). */
  root: string
  /** Context paths left out by .dockerignore; they count as missing. */
  isExcluded?: (rel: string) => boolean
  keyword: 'COPY' | 'ADD'
  /** Set when the root is a stage or an image (--from): not-found messages do not mention the context. */
  from?: string
  /** ADD: fetches a URL source (download.ts); absent, a URL source is refused. */
  download?: (url: string) => Promise<{ path: string; name: string }>
  /** The destination as written: a URL without a file name needs one that does not end in `/`. */
  dest?: string
}

const failed = (keyword: string, message: string, kind: 'invalid' | 'not-implemented' = 'invalid') =>
  new BerthError(kind, `${keyword} failed: ${message}`)

/** Docker trims one leading `/` and one leading `./` from a source word. */
function cleanSource(word: string): string {
  let p = word.startsWith('/') ? word.slice(1) : word
  if (p.startsWith('./')) p = p.slice(2)
  return p
}

async function resolveOne(named: string, opts: ResolveOptions): Promise<CopySource> {
  const lexical = posix.normalize(`/${named}`)
  const joined = posix.normalize(named === '' ? '.' : named)
  if (joined === '..' || joined.startsWith('../')) {
    throw failed(opts.keyword, `forbidden path outside the build context: ${named} ()`)
  }
  const notFound = () => failed(opts.keyword, opts.from === undefined
    ? `file not found in build context or excluded by .dockerignore: stat ${named}: file does not exist`
    : `stat ${named}: file does not exist`)
  if (opts.isExcluded?.(joined)) throw notFound()
  const r = await resolveInScope({ root: opts.root, mounts: [] }, lexical, { followLast: true })
  if ('missing' in r) throw notFound()
  try {
    const abs = r.entry.inside === '/' ? opts.root : posix.join(opts.root, r.entry.inside)
    const src: CopySource = { abs, rel: joined, isDir: r.entry.st.isDirectory() }
    if (opts.keyword === 'ADD' && r.entry.st.isFile()) {
      const kind = archiveKind(await readHead(abs))
      if (kind) src.archive = kind
    }
    return src
  } finally {
    await r.entry.fh.close()
  }
}

async function readHead(path: string): Promise<Buffer> {
  const fh = await open(path, 'r')
  try {
    // enough for the first block of a zstd frame (at most 128 KiB), which must inflate to a tar header
    const buf = Buffer.alloc(256 * 1024)
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0)
    return buf.subarray(0, bytesRead)
  } finally {
    await fh.close()
  }
}

/** Every path under the root matching the glob, in lexical walk order (Docker's WalkDir). */
async function matchGlob(pattern: string, opts: ResolveOptions): Promise<CopySource[]> {
  const re = globToRegExp(pattern)
  if (!re) return []
  const out: CopySource[] = []
  for await (const e of walk(opts.root)) {
    if (re.test(e.rel) && !opts.isExcluded?.(e.rel)) out.push(await resolveOne(e.rel, opts))
  }
  return out
}

/** A downloaded source: a file named as dockerd names it, never extracted (no `archive`). */
async function fromUrl(url: string, opts: ResolveOptions): Promise<CopySource> {
  if (opts.keyword === 'COPY') throw failed('COPY', 'source can\'t be a URL for COPY')
  if (!opts.download) throw failed('ADD', `downloading remote files is not supported here: ${url}`, 'not-implemented')
  let got: { path: string; name: string }
  try {
    got = await opts.download(url)
  } catch (e) {
    throw failed('ADD', (e as Error).message)
  }
  if (got.name === '' && opts.dest?.endsWith('/')) throw failed('ADD', `cannot determine filename for source ${url}`)
  return { abs: got.path, rel: got.name || UNNAMED, isDir: false }
}

/**
 * Expands the source words into existing paths inside the root. Throws Docker's messages:
 * `COPY failed: file not found in build context or excluded by .dockerignore: stat x: file does not exist`,
 * `COPY failed: no source files were specified`, `COPY failed: forbidden path outside the build context: ../x ()`.
 */
export async function resolveSources(words: readonly string[], opts: ResolveOptions): Promise<CopySource[]> {
  const out: CopySource[] = []
  for (const word of words) {
    if (isDownloadUrl(word)) {
      out.push(await fromUrl(word, opts))
      continue
    }
    const named = cleanSource(word)
    if (hasWildcards(named)) out.push(...await matchGlob(named, opts))
    else out.push(await resolveOne(named, opts))
  }
  if (out.length === 0) throw failed(opts.keyword, 'no source files were specified')
  return out
}

/** Docker's normalizeDest: a relative dest is under WORKDIR; a trailing `/` is kept. */
export function normalizeDest(dest: string, workdir: string): string {
  const endsInSlash = dest.endsWith('/')
  if (dest.startsWith('/')) return dest
  const joined = posix.join('/', workdir || '/', dest)
  return endsInSlash && !joined.endsWith('/') ? `${joined}/` : joined
}

const cleanAbs = (p: string): string => posix.normalize(p).replace(/(.)\/$/, '$1')

/**
 * Where each source lands. A relative `dest` is relative to `workdir`. Several sources need a
 * destination ending in `/`. A file copied to a dest ending in `/`, or to a directory that exists
 * in the image (`destIsDir`), keeps its name. A directory's contents go into dest. ADD extracts
 * local archives into dest.
 */
export function planCopy(
  sources: readonly CopySource[], dest: string, workdir: string, keyword: 'COPY' | 'ADD', destIsDir = false,
): CopyStep[] {
  if (sources.length > 1 && !dest.endsWith('/')) {
    throw new BerthError('invalid', `When using ${keyword} with more than one source file, the destination must be a directory and end with a /`)
  }
  const target = normalizeDest(dest, workdir)
  const dir = cleanAbs(target)
  return sources.map((src): CopyStep => {
    if (src.isDir) return { src, dest: dir }
    if (keyword === 'ADD' && src.archive) {
      if (src.archive === 'bzip2' || src.archive === 'xz') {
        throw failed('ADD', `extracting ${src.archive}-compressed archives is not supported yet: ${src.rel}; use a plain, gzip or zstd tar, or COPY it and extract it with RUN`, 'not-implemented')
      }
      return { src, dest: dir, extract: true }
    }
    const intoDir = target.endsWith('/') || destIsDir
    return { src, dest: intoDir ? posix.join(dir, posix.basename(src.rel)) : dir }
  })
}

function parseColonFile(text: string | undefined, idField: number): Array<{ name: string; id: number }> {
  const out: Array<{ name: string; id: number }> = []
  for (const line of (text ?? '').split('\n')) {
    const t = line.trim()
    if (t === '' || t.startsWith('#')) continue
    const f = t.split(':')
    const id = Number(f[idField])
    if (f[0] && /^\d+$/.test(f[idField] ?? '')) out.push({ name: f[0], id })
  }
  return out
}

const numeric = (s: string): number | undefined => (/^[+-]?\d+$/.test(s) ? Number(s) : undefined)

/**
 * `--chown=user[:group]` → ids. Numbers are taken as they are; names are looked up in the
 * image's /etc/passwd and /etc/group texts (undefined when the file is absent). Without a group,
 * the user part is looked up as a group too, as Docker does.
 */
export function resolveChown(spec: string, passwd: string | undefined, group: string | undefined): { uid: number; gid: number } {
  const wrap = (m: string) => new BerthError('invalid', `unable to convert uid/gid chown string to host mapping: ${m}`)
  const parts = spec.split(':')
  if (parts.length > 2) throw wrap(`invalid chown string format: ${spec}`)
  const userStr = parts[0]!
  const groupStr = parts[1] ?? parts[0]!
  const uid = numeric(userStr) ?? parseColonFile(passwd, 2).find((u) => u.name === userStr)?.id
  if (uid === undefined) throw wrap(`can't find uid for user ${userStr}: no such user: ${userStr}`)
  const gid = numeric(groupStr) ?? parseColonFile(group, 2).find((g) => g.name === groupStr)?.id
  if (gid === undefined) throw wrap(`can't find gid for group ${groupStr}: no such group: ${groupStr}`)
  return { uid, gid }
}

/** `--chmod=` octal (`755`, `0644`) → mode bits, as BuildKit parses it. */
export function parseChmod(spec: string): number {
  if (!/^[0-7]+$/.test(spec) || parseInt(spec, 8) > 0o7777) {
    throw new BerthError('invalid', `invalid chmod parameter: '${spec}'. it should be octal string and between 0 and 07777`)
  }
  return parseInt(spec, 8)
}

export { archiveKind, type ArchiveKind } from './archive-sniff.js'
