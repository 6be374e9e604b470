// `berth cp`: copy between a container and the host through the archive endpoints.
// `CONTAINER:SRC -` and `- CONTAINER:DEST` stream tar through stdout/stdin.
import { promises as fs } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { posix } from 'node:path'
import { ApiError } from '../../client/errors.js'
import { StatusError, type CommandModule, type Context } from '../command.js'
import { packPath, unpack } from './cp-tar.js'

interface Spec { container?: string; path: string }
export interface CpOptions { src: Spec; dst: Spec; archive: boolean; followLink: boolean }

/** `name:path` is a container path unless it starts with / or . (docker's rule). */
export function splitCpArg(arg: string): Spec {
  if (arg.startsWith('/') || arg.startsWith('.')) return { path: arg }
  const colon = arg.indexOf(':')
  if (colon <= 0) return { path: arg }
  return { container: arg.slice(0, colon), path: arg.slice(colon + 1) }
}

export const command: CommandModule<CpOptions> = {
  usage: '[OPTIONS] CONTAINER:SRC_PATH DEST_PATH|-\n\tberth cp [OPTIONS] SRC_PATH|- CONTAINER:DEST_PATH',
  description: 'Copy files/folders between a container and the local filesystem',
  flags: [
    { long: 'archive', short: 'a', kind: 'bool', help: 'Archive mode (copy all uid/gid information)' },
    { long: 'follow-link', short: 'L', kind: 'bool', help: 'Always follow symbol link in SRC_PATH' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress progress output during copy' },
  ],
  args: { min: 2, max: 2 },
  parse: (p) => {
    const src = splitCpArg(p.args[0]!)
    const dst = splitCpArg(p.args[1]!)
    if (src.container && dst.container) throw new Error('copying between containers is not supported')
    if (!src.container && !dst.container) throw new Error('must specify at least one container source')
    return { src, dst, archive: p.bool('archive'), followLink: p.bool('follow-link') }
  },
  run: async (o, ctx) => (o.src.container ? fromContainer(o, ctx) : toContainer(o, ctx)),
}

/** Go's os.ModeSymlink in the path stat's mode. */
const MODE_SYMLINK = 2 ** 27

/** As docker's CLI: never replace a directory with a file or the reverse; -a keeps owners. */
const putOpts = (o: CpOptions) => ({ noOverwriteDirNonDir: true, copyUIDGID: o.archive })

async function fromContainer(o: CpOptions, ctx: Context): Promise<void> {
  let srcPath = o.src.path
  let rename: string | undefined
  if (o.followLink) {
    // -L: copy what the link points at (the daemon resolves it inside the container), under the link's name
    const st = await ctx.client.containers.statPath(o.src.container!, srcPath)
    if ((st.mode & MODE_SYMLINK) !== 0 && st.linkTarget) {
      rename = posix.basename(srcPath)
      srcPath = st.linkTarget
    }
  }
  const { tar } = await ctx.client.containers.getArchive(o.src.container!, srcPath)
  if (o.dst.path === '-') {
    for await (const chunk of tar) ctx.stdout.write(chunk as Buffer)
    return
  }
  const dest = resolve(ctx.cwd, o.dst.path)
  const st = await fs.stat(dest).catch(() => undefined)
  if (st?.isDirectory()) await unpack(tar, dest, rename)
  else {
    if (o.dst.path.endsWith('/')) throw new StatusError(1, `Error: destination directory "${o.dst.path}" must exist`)
    await unpack(tar, dirname(dest), basename(dest))
  }
}

async function toContainer(o: CpOptions, ctx: Context): Promise<void> {
  const ref = o.dst.container!
  if (o.src.path === '-') {
    await ctx.client.containers.putArchive(ref, o.dst.path, ctx.stdin, putOpts(o))
    return
  }
  const src = resolve(ctx.cwd, o.src.path)
  await fs.lstat(src).catch(() => {
    throw new StatusError(1, `lstat ${src}: no such file or directory`)
  })
  let dstPath = o.dst.path
  let isDir = false
  try {
    let st = await ctx.client.containers.statPath(ref, dstPath)
    if ((st.mode & MODE_SYMLINK) !== 0 && st.linkTarget) {
      // as docker does: a destination that is a link means where it points, inside the container
      dstPath = st.linkTarget
      st = await ctx.client.containers.statPath(ref, dstPath)
    }
    isDir = (st.mode & 0x80000000) !== 0
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e
  }
  if (isDir) await ctx.client.containers.putArchive(ref, dstPath, packPath(src, basename(src)), putOpts(o))
  else await ctx.client.containers.putArchive(ref, posix.dirname(dstPath) || '/', packPath(src, posix.basename(dstPath)), putOpts(o))
}
