// The local half of `berth cp`: pack a host path into a tar (entries rooted at a chosen name)
// and unpack a container's tar onto the host (renaming its top entry when copying to a new
// name). Docker sends and expects tar archives on /containers/{id}/archive.
import { createReadStream, createWriteStream, promises as fs } from 'node:fs'
import { dirname, join, relative, sep } from 'node:path'
import type { Readable } from 'node:stream'
import { pipeline } from 'node:stream/promises'
import tar from 'tar-stream'

/** Packs `src` (file or directory tree) with its top entry named `rootName`. */
export function packPath(src: string, rootName: string): Readable {
  const pack = tar.pack()
  // a file with several names is written once; its other names are hard links to the first
  const seen = new Map<string, string>()
  const walk = async (path: string, name: string): Promise<void> => {
    const st = await fs.lstat(path)
    const common = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime }
    const key = `${st.dev}:${st.ino}`
    if (st.isFile() && st.nlink > 1 && seen.has(key)) {
      pack.entry({ ...common, type: 'link', linkname: seen.get(key)!, size: 0 })
      return
    }
    if (st.isFile() && st.nlink > 1) seen.set(key, name)
    if (st.isDirectory()) {
      pack.entry({ ...common, type: 'directory' })
      for (const child of (await fs.readdir(path)).sort()) await walk(join(path, child), `${name}/${child}`)
    } else if (st.isSymbolicLink()) {
      pack.entry({ ...common, type: 'symlink', linkname: await fs.readlink(path) })
    } else if (st.isFile()) {
      await new Promise<void>((resolve, reject) => {
        const entry = pack.entry({ ...common, type: 'file', size: st.size }, (err) => (err ? reject(err) : resolve()))
        pipeline(createReadStream(path), entry).catch(reject)
      })
    }
  }
  walk(src, rootName).then(() => pack.finalize(), (e: Error) => pack.destroy(e))
  return pack as unknown as Readable
}

/**
 * Unpacks into `destDir`, replacing the archive's top-level name with `rename` when given. As
 * docker's CopyTo: owners are not applied, modes and times are; a hard link is made to the entry
 * it names; nothing is written through a symlink the archive planted earlier (a parent that is a
 * link or not a directory is refused), and an existing entry is replaced, never followed.
 */
export async function unpack(archive: Readable, destDir: string, rename?: string): Promise<void> {
  const extract = tar.extract()
  const renamed = (raw: string) => {
    const name = raw.replace(/^\.?\/+/, '').replace(/\/+$/, '')
    if (rename === undefined) return name
    const slash = name.indexOf('/')
    return slash < 0 ? rename : rename + name.slice(slash)
  }
  const dirTimes: Array<[string, Date]> = []
  extract.on('entry', (header, stream, next) => {
    const run = async () => {
      const target = await safeTarget(destDir, renamed(header.name), header.name)
      const mtime = header.mtime ?? new Date()
      if (header.type === 'directory') {
        const st = await fs.lstat(target).catch(() => undefined)
        if (st && !st.isDirectory()) await fs.rm(target, { force: true })
        if (!st?.isDirectory()) await fs.mkdir(target)
        await fs.chmod(target, (header.mode ?? 0o755) & 0o7777)
        dirTimes.push([target, mtime])
        stream.resume()
        return
      }
      await fs.rm(target, { recursive: true, force: true })
      if (header.type === 'symlink') {
        await fs.symlink(header.linkname ?? '', target)
        await fs.lutimes(target, mtime, mtime)
        stream.resume()
      } else if (header.type === 'link') {
        await fs.link(await safeTarget(destDir, renamed(header.linkname ?? ''), header.linkname ?? ''), target)
        stream.resume()
      } else if (header.type === 'file') {
        await pipeline(stream, createWriteStream(target, { flags: 'wx', mode: 0o600 }))
        await fs.chmod(target, (header.mode ?? 0o644) & 0o7777)
        await fs.utimes(target, mtime, mtime)
      } else stream.resume()
    }
    run().then(() => next(), (e: Error) => next(e))
  })
  await pipeline(archive, extract)
  // deepest first: writing a child would move its parent's time again
  for (const [dir, mtime] of dirTimes.reverse()) await fs.utimes(dir, mtime, mtime)
}

/** The host path of `name` under `destDir`; its parents exist (made 0755) as real directories. */
async function safeTarget(destDir: string, name: string, raw: string): Promise<string> {
  const target = join(destDir, name)
  if (target !== destDir && !target.startsWith(destDir.endsWith(sep) ? destDir : destDir + sep)) throw new Error(`invalid path in archive: ${raw}`)
  let cur = destDir
  for (const part of relative(destDir, dirname(target)).split(sep).filter(Boolean)) {
    cur = join(cur, part)
    const st = await fs.lstat(cur).catch(() => undefined)
    if (!st) await fs.mkdir(cur, { mode: 0o755 })
    else if (!st.isDirectory()) throw new Error(`invalid path in archive: ${raw}: ${part} is not a directory`)
  }
  return target
}
