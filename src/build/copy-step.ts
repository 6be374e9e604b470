// COPY and ADD: the sources (from the context, or another stage's or image's root for --from)
// are planned by copy-sources.ts, hashed for the cache (moby's `file:<hash>` / `dir:<hash>` /
// `multi:<hash>` in created_by), then written into a writable layer as a tar through the safe
// unpacker, so every destination path is cleaned and nothing lands outside the layer's root
// (a symlink among the destination's parents is refused, never followed).
//
// Owners: root unless --chown; --from without --chown keeps the source's owners (as Docker).
// ADD extracts local tar archives (plain, gzip, zstd) into the destination directory;
// a URL source is downloaded by berthd (download.ts) and copied as a file, never extracted.
import { createHash } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { lstat, open, readlink } from 'node:fs/promises'
import { posix } from 'node:path'
import { PassThrough, type Readable } from 'node:stream'
import tar from 'tar-stream'
import { add, type TarHeader } from '../lib/tar-entry.js'
import { walk } from '../lib/tree-walk.js'
import { unpack } from '../storage/unpack.js'
import { openInScope, procPath } from '../storage/scoped-path.js'
import { lchown } from '../sys/ffi.js'
import { BerthError } from '../lib/errors.js'
import { normalizeDest, parseChmod, planCopy, resolveChown, resolveSources, type CopySource, type CopyStep } from './copy-sources.js'
import type { Instruction } from './dockerfile/types.js'

export interface CopyPlan {
  keyword: 'COPY' | 'ADD'
  sources: CopySource[]
  /** The destination as written (expanded) and the WORKDIR it is relative to. */
  dest: string
  workdir: string
  /** Planned as if the destination were not an existing directory (enough for hashing). */
  steps: CopyStep[]
  /** `file:…`, `dir:…` or `multi:…` over every source's content and metadata. */
  hash: string
  chown?: string
  mode?: number
  /** --from without --chown: the sources' owners are kept. */
  keepOwners: boolean
}

export interface CopySourceRoot {
  dir: string
  isExcluded?: (rel: string) => boolean
}

/** Resolves and plans an (expanded) COPY/ADD instruction, and hashes what it will copy. */
export async function planCopyStep(
  ins: Instruction, from: CopySourceRoot, workdir: string, download?: (url: string) => Promise<{ path: string; name: string }>,
): Promise<CopyPlan> {
  const keyword = ins.keyword as 'COPY' | 'ADD'
  if (ins.args.length < 2) throw new BerthError('invalid', `${keyword} requires at least two arguments`)
  const words = ins.args.slice(0, -1)
  const dest = ins.args[ins.args.length - 1]!
  const sources = await resolveSources(words, { root: from.dir, isExcluded: from.isExcluded, keyword, download, dest })
  const steps = planCopy(sources, dest, workdir, keyword)
  const mode = ins.flags.chmod !== undefined ? parseChmod(ins.flags.chmod) : undefined
  const hashes: string[] = []
  for (const s of steps) hashes.push(await hashSource(s))
  const hash = hashes.length === 1 ? hashes[0]! : `multi:${sha(hashes.join(','))}`
  return { keyword, sources, dest, workdir, steps, hash, chown: ins.flags.chown, mode, keepOwners: ins.flags.from !== undefined && !ins.flags.chown }
}

const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex')

async function hashFile(h: ReturnType<typeof createHash>, abs: string): Promise<void> {
  for await (const chunk of createReadStream(abs)) h.update(chunk as Buffer)
}

/** One source's hash: names, modes, owners, link targets and content; not times. */
async function hashSource(step: CopyStep): Promise<string> {
  const h = createHash('sha256')
  const st = await lstat(step.src.abs)
  const meta = (rel: string, s: typeof st) => h.update(`${rel}\0${s.mode}\0${s.uid}:${s.gid}\0${s.size}\0`)
  if (!st.isDirectory()) {
    meta('', st)
    if (st.isSymbolicLink()) h.update(await readlink(step.src.abs))
    else if (st.isFile()) await hashFile(h, step.src.abs)
    return `file:${h.digest('hex')}`
  }
  for await (const e of walk(step.src.abs)) {
    meta(e.rel, e.st)
    if (e.st.isSymbolicLink()) h.update(await readlink(e.abs))
    else if (e.st.isFile()) await hashFile(h, e.abs)
  }
  return `dir:${h.digest('hex')}`
}

/** The owners the copied files get. Names are looked up in the destination image's files. */
export async function copyOwner(plan: CopyPlan, root: string): Promise<{ uid: number; gid: number } | undefined> {
  if (plan.keepOwners) return undefined
  if (!plan.chown) return { uid: 0, gid: 0 }
  const read = async (path: string) => {
    try {
      const entry = await openInScope({ root, mounts: [] }, path, { followLast: true })
      try {
        if (!entry.st.isFile()) return undefined
        const fh = await open(`/proc/self/fd/${entry.fh.fd}`, 'r')
        try {
          return await fh.readFile('utf8')
        } finally {
          await fh.close()
        }
      } finally {
        await entry.fh.close()
      }
    } catch {
      return undefined
    }
  }
  return resolveChown(plan.chown, await read('/etc/passwd'), await read('/etc/group'))
}

/** The tar of everything but archives to extract, names relative to the layer's root. */
function copyTar(plan: CopyPlan, owner: { uid: number; gid: number } | undefined): Readable {
  const pack = tar.pack()
  const out = new PassThrough()
  pack.pipe(out)
  const header = (name: string, st: Awaited<ReturnType<typeof lstat>>): TarHeader => ({
    name,
    mode: plan.mode !== undefined && !st.isSymbolicLink() ? plan.mode : Number(st.mode) & 0o7777,
    uid: owner ? owner.uid : Number(st.uid),
    gid: owner ? owner.gid : Number(st.gid),
    mtime: new Date(Math.floor(Number(st.mtimeMs) / 1000) * 1000),
  })
  const entry = async (name: string, abs: string, st: Awaited<ReturnType<typeof lstat>>) => {
    if (st.isDirectory()) return add(pack, { ...header(`${name}/`, st), type: 'directory' })
    if (st.isSymbolicLink()) return add(pack, { ...header(name, st), type: 'symlink', linkname: await readlink(abs) })
    if (st.isFile()) return add(pack, { ...header(name, st), type: 'file', size: Number(st.size) }, Number(st.size) > 0 ? createReadStream(abs) : undefined)
    // sockets, devices and fifos of a --from root are not copied
  }
  ;(async () => {
    for (const step of plan.steps) {
      if (step.extract) continue
      const dest = step.dest.replace(/^\/+/, '')
      const st = await lstat(step.src.abs)
      if (!st.isDirectory()) {
        await entry(dest, step.src.abs, st)
        continue
      }
      for await (const e of walk(step.src.abs)) await entry(dest === '' ? e.rel : `${dest}/${e.rel}`, e.abs, e.st)
    }
    pack.finalize()
  })().catch((e: Error) => out.destroy(e))
  return out
}

/** A tar holding just the directory `dest` (for an archive's extraction point). */
function dirTar(dest: string, owner: { uid: number; gid: number } | undefined): Readable {
  const pack = tar.pack()
  pack.entry({ name: `${dest}/`, type: 'directory', mode: 0o755, uid: owner?.uid ?? 0, gid: owner?.gid ?? 0 })
  pack.finalize()
  return pack.pipe(new PassThrough())
}

/** True when `inside` exists in the root (symlinks resolved inside it). */
async function existsIn(root: string, inside: string): Promise<boolean> {
  try {
    const entry = await openInScope({ root, mounts: [] }, inside, { followLast: true })
    await entry.fh.close()
    return true
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'not-found') return false
    throw e
  }
}

async function isDirIn(root: string, inside: string): Promise<boolean> {
  try {
    const entry = await openInScope({ root, mounts: [] }, inside, { followLast: true })
    await entry.fh.close()
    return entry.st.isDirectory()
  } catch (e) {
    if (e instanceof BerthError && e.kind === 'not-found') return false
    throw e
  }
}

/** Writes the plan into `root` (a writable layer's merged view). */
export async function writeCopy(planned: CopyPlan, root: string): Promise<void> {
  // a file copied onto a directory that exists in the image goes into it, keeping its name
  const destIsDir = await isDirIn(root, normalizeDest(planned.dest, planned.workdir))
  const plan = destIsDir ? { ...planned, steps: planCopy(planned.sources, planned.dest, planned.workdir, planned.keyword, true) } : planned
  const owner = await copyOwner(plan, root)
  const keepOwners = { lchown }
  // Directory destinations that are new get the copy's owner; existing ones keep theirs.
  for (const step of plan.steps) {
    const dest = step.dest.replace(/^\/+/, '').replace(/\/+$/, '')
    if (dest === '' || !(step.extract || step.src.isDir)) continue
    if (!(await existsIn(root, `/${dest}`))) await unpack(dirTar(dest, step.extract ? undefined : owner), root, { keepOwners })
  }
  await unpack(copyTar(plan, owner), root, { keepOwners })
  for (const step of plan.steps) {
    if (!step.extract) continue
    const entry = await openInScope({ root, mounts: [] }, step.dest, { followLast: true })
    try {
      if (!entry.st.isDirectory()) throw new BerthError('invalid', `${plan.keyword} failed: ${step.dest} is not a directory`)
      await unpack(createReadStream(step.src.abs), `${procPath(entry.fh.fd)}/.`, { keepOwners, pinned: true })
    } finally {
      await entry.fh.close()
    }
  }
}

/** WORKDIR: creates `inside` (0755, root) with its missing parents, unless it exists. */
export async function makeDir(root: string, inside: string): Promise<void> {
  const rel = inside.replace(/^\/+/, '').replace(/\/+$/, '')
  if (rel === '' || (await existsIn(root, `/${rel}`))) return
  await unpack(dirTar(rel, undefined), root, { keepOwners: { lchown } })
}
