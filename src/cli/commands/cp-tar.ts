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
  const walk = async (path: string, name: string): Promise<void> => {
    const st = await fs.lstat(path)
    const common = { name, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, mtime: st.mtime }
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

/** Unpacks into `destDir`, replacing the archive's top-level name with `rename` when given. */
export async function unpack(archive: Readable, destDir: string, rename?: string): Promise<void> {
  const extract = tar.extract()
  extract.on('entry', (header, stream, next) => {
    const run = async () => {
      let name = header.name.replace(/^\.?\/+/, '').replace(/\/+$/, '')
      if (rename !== undefined) {
        const slash = name.indexOf('/')
        name = slash < 0 ? rename : rename + name.slice(slash)
      }
      const target = join(destDir, name)
      if (relative(destDir, target).startsWith('..' + sep)) throw new Error(`invalid path in archive: ${header.name}`)
      await fs.mkdir(dirname(target), { recursive: true })
      if (header.type === 'directory') {
        await fs.mkdir(target, { recursive: true })
        await fs.chmod(target, header.mode ?? 0o755)
        stream.resume()
      } else if (header.type === 'symlink') {
        await fs.rm(target, { force: true })
        await fs.symlink(header.linkname ?? '', target)
        stream.resume()
      } else if (header.type === 'file') {
        await pipeline(stream, createWriteStream(target, { mode: header.mode ?? 0o644 }))
      } else stream.resume()
    }
    run().then(() => next(), (e: Error) => next(e))
  })
  await pipeline(archive, extract)
}
