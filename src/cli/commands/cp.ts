// `berth cp`: copy between a container and the host through the archive endpoints.
// `CONTAINER:SRC -` and `- CONTAINER:DEST` stream tar through stdout/stdin.
import { promises as fs } from 'node:fs'
import { basename, dirname, resolve } from 'node:path'
import { posix } from 'node:path'
import { ApiError } from '../../client/errors.js'
import { StatusError, type CommandModule, type Context } from '../command.js'
import { packPath, unpack } from './cp-tar.js'

interface Spec { container?: string; path: string }
export interface CpOptions { src: Spec; dst: Spec }

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
    return { src, dst }
  },
  run: async (o, ctx) => (o.src.container ? fromContainer(o, ctx) : toContainer(o, ctx)),
}

async function fromContainer(o: CpOptions, ctx: Context): Promise<void> {
  const { tar } = await ctx.client.containers.getArchive(o.src.container!, o.src.path)
  if (o.dst.path === '-') {
    for await (const chunk of tar) ctx.stdout.write(chunk as Buffer)
    return
  }
  const dest = resolve(ctx.cwd, o.dst.path)
  const st = await fs.stat(dest).catch(() => undefined)
  if (st?.isDirectory()) await unpack(tar, dest)
  else {
    if (o.dst.path.endsWith('/')) throw new StatusError(1, `Error: destination directory "${o.dst.path}" must exist`)
    await unpack(tar, dirname(dest), basename(dest))
  }
}

async function toContainer(o: CpOptions, ctx: Context): Promise<void> {
  const ref = o.dst.container!
  if (o.src.path === '-') {
    await ctx.client.containers.putArchive(ref, o.dst.path, ctx.stdin)
    return
  }
  const src = resolve(ctx.cwd, o.src.path)
  await fs.lstat(src).catch(() => {
    throw new StatusError(1, `lstat ${src}: no such file or directory`)
  })
  let isDir = false
  try {
    isDir = ((await ctx.client.containers.statPath(ref, o.dst.path)).mode & 0x80000000) !== 0
  } catch (e) {
    if (!(e instanceof ApiError && e.status === 404)) throw e
  }
  if (isDir) await ctx.client.containers.putArchive(ref, o.dst.path, packPath(src, basename(src)))
  else await ctx.client.containers.putArchive(ref, posix.dirname(o.dst.path) || '/', packPath(src, posix.basename(o.dst.path)))
}
