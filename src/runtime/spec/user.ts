// Docker's --user → numeric uid, gid and supplementary groups, looked up in the container's own
// /etc/passwd and /etc/group (runc's libcontainer/user rules).
//
// Forms: '' (root's entry), 'name', 'uid', 'name:group', 'uid:gid', ':group'. A numeric user or
// group that has no entry is still used as given; an unknown *name* is an error with Docker's
// text. Supplementary groups are the /etc/group entries listing the user by name, and only when
// no group was given explicitly. `additionalGids` here excludes the primary gid; buildSpec puts
// it first, as Docker does. Parsing is pure; resolveUser reads the files through resolveInRoot so
// a symlink in the image cannot lead outside the rootfs.

import { readFile } from 'node:fs/promises'
import { BerthError } from '../../lib/errors.js'
import { resolveInRoot } from './root-path.js'

export interface ResolvedUser {
  uid: number
  gid: number
  additionalGids: number[]
}

interface PasswdEntry { name: string; uid: number; gid: number }
interface GroupEntry { name: string; gid: number; members: string[] }

const MAX_ID = 2 ** 31 - 1
const numeric = (s: string): number | undefined => (/^\d+$/.test(s) ? Number(s) : undefined)

function inRange(id: number): number {
  if (id > MAX_ID) throw new BerthError('invalid', `uids and gids must be in range 0-${MAX_ID}`)
  return id
}

function lines(text: string): string[][] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))
    .map((l) => l.split(':'))
}

export function parsePasswd(text: string): PasswdEntry[] {
  return lines(text)
    .filter((f) => f.length >= 4 && numeric(f[2]) !== undefined && numeric(f[3]) !== undefined)
    .map((f) => ({ name: f[0], uid: Number(f[2]), gid: Number(f[3]) }))
}

export function parseGroup(text: string): GroupEntry[] {
  return lines(text)
    .filter((f) => f.length >= 3 && numeric(f[2]) !== undefined)
    .map((f) => ({ name: f[0], gid: Number(f[2]), members: (f[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean) }))
}

/** The pure lookup: passwd/group texts ('' when the file is missing) and the --user value. */
export function lookupUser(spec: string, passwdText: string, groupText: string): ResolvedUser {
  const colon = spec.indexOf(':')
  const userArg = colon < 0 ? spec : spec.slice(0, colon)
  const groupArg = colon < 0 ? '' : spec.slice(colon + 1)
  const uidArg = numeric(userArg)
  const users = parsePasswd(passwdText)

  let uid = 0
  let gid = 0
  let name = ''
  const entry = users.find((u) => (userArg === '' ? u.uid === 0 : uidArg !== undefined ? u.uid === uidArg : u.name === userArg))
  if (entry) ({ uid, gid, name } = entry)
  else if (userArg !== '') {
    if (uidArg === undefined) throw new BerthError('invalid', `unable to find user ${userArg}: no matching entries in passwd file`)
    uid = inRange(uidArg)
  }

  const groups = parseGroup(groupText)
  if (groupArg !== '') {
    const gidArg = numeric(groupArg)
    const g = groups.find((x) => (gidArg !== undefined ? x.gid === gidArg : x.name === groupArg))
    if (g) gid = g.gid
    else if (gidArg !== undefined) gid = inRange(gidArg)
    else throw new BerthError('invalid', `unable to find group ${groupArg}: no matching entries in group file`)
    return { uid, gid, additionalGids: [] }
  }
  const sgids = name ? groups.filter((g) => g.members.includes(name)).map((g) => g.gid) : []
  return { uid, gid, additionalGids: [...new Set(sgids)].filter((g) => g !== gid) }
}

async function readInRoot(rootfs: string, path: string): Promise<string> {
  try {
    return await readFile(await resolveInRoot(rootfs, path), 'utf8')
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code
    if (code === 'ENOENT' || code === 'ENOTDIR' || code === 'EISDIR') return ''
    throw e
  }
}

export async function resolveUser(rootfs: string, user: string): Promise<ResolvedUser> {
  const [passwd, group] = await Promise.all([readInRoot(rootfs, '/etc/passwd'), readInRoot(rootfs, '/etc/group')])
  return lookupUser(user, passwd, group)
}
