// The built-in busybox image, made from the host's static /bin/busybox so berth works with no
// registry: one layer with busybox, a hard link per applet, a minimal /etc and the usual
// directories. Every time and owner in it is fixed, so the same busybox binary always gives the
// same layer, config and image ID.
import { readFile } from 'node:fs/promises'
import { Readable } from 'node:stream'
import tar from 'tar-stream'

type TarHeader = Parameters<tar.Pack['entry']>[0]
import { BerthError } from '../../lib/errors.js'
import { sha256 } from '../../storage/digest.js'

export const BUILTIN_REF = 'docker.io/library/busybox:latest'
const CREATED = '2024-01-01T00:00:00Z'
const MTIME = new Date(CREATED)

const DIRS: Array<[string, number]> = [
  ['bin', 0o755], ['dev', 0o755], ['etc', 0o755], ['home', 0o755], ['proc', 0o555], ['root', 0o700],
  ['sbin', 0o755], ['sys', 0o555], ['tmp', 0o1777], ['usr', 0o755], ['usr/bin', 0o755], ['usr/sbin', 0o755],
  ['var', 0o755], ['var/spool', 0o755], ['var/www', 0o755],
]

const PASSWD = [
  'root:x:0:0:root:/root:/bin/sh',
  'daemon:x:1:1:daemon:/usr/sbin:/bin/false',
  'nobody:x:65534:65534:nobody:/home:/bin/false',
].join('\n') + '\n'

const GROUP = ['root:x:0:', 'daemon:x:1:', 'nogroup:x:65534:'].join('\n') + '\n'

/** Applet paths from `busybox --list-full`, limited to the directories the image has. */
export function appletLinks(listFull: string): string[] {
  const dirs = new Set(DIRS.map(([d]) => d))
  return [...new Set(listFull.split('\n').map((l) => l.trim()))]
    .filter((p) => p.includes('/') && p !== 'bin/busybox' && dirs.has(p.slice(0, p.lastIndexOf('/'))))
    .sort()
}

/** The layer tar, deterministic for a given binary and applet list. */
export async function builtinLayer(busybox: Buffer, applets: string[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  const collected = (async () => { for await (const c of pack) chunks.push(c as Buffer) })()
  const add = (h: TarHeader, body?: Buffer | string) =>
    new Promise<void>((res, rej) => pack.entry({ uid: 0, gid: 0, mtime: MTIME, uname: 'root', gname: 'root', ...h }, body ?? '', (e) => (e ? rej(e) : res())))
  for (const [name, mode] of DIRS) await add({ name: `${name}/`, type: 'directory', mode })
  await add({ name: 'bin/busybox', mode: 0o755 }, busybox)
  await add({ name: 'etc/group', mode: 0o644 }, GROUP)
  await add({ name: 'etc/passwd', mode: 0o644 }, PASSWD)
  for (const a of applets) await add({ name: a, type: 'link', linkname: 'bin/busybox', mode: 0o755 })
  pack.finalize()
  await collected
  return Buffer.concat(chunks)
}

/** The config blob, byte for byte stable. */
export function builtinConfig(diffId: string, busyboxDigest: string): Buffer {
  const config = {
    architecture: 'amd64',
    config: {
      Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'],
      Cmd: ['sh'],
    },
    created: CREATED,
    history: [{ created: CREATED, created_by: `berth builtin: /bin/busybox ${busyboxDigest}` }],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [diffId] },
  }
  return Buffer.from(JSON.stringify(config))
}

export interface BuiltinImage {
  configBytes: Buffer
  layer: Buffer
}

export async function buildBuiltin(listApplets: (busybox: string) => Promise<string>, busyboxPath = '/bin/busybox'): Promise<BuiltinImage> {
  let busybox: Buffer
  let list: string
  try {
    busybox = await readFile(busyboxPath)
    list = await listApplets(busyboxPath)
  } catch (e) {
    throw new BerthError('unavailable', `built-in busybox image from ${busyboxPath}: ${(e as Error).message}`, { cause: e })
  }
  const layer = await builtinLayer(busybox, appletLinks(list))
  return { layer, configBytes: builtinConfig(sha256(layer), sha256(busybox)) }
}

export const layerStream = (b: Buffer): Readable => Readable.from([b])
