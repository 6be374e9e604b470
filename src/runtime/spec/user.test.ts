import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { BerthError } from '../../lib/errors.js'
import { lookupUser, resolveUser } from './user.js'
import { resolveInRoot } from './root-path.js'

const PASSWD = `root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
# comment
www-data:x:33:33:www-data:/var/www:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
`
const GROUP = `root:x:0:
wheel:x:10:root,www-data
daemon:x:1:
www-data:x:33:
staff:x:50:www-data
nogroup:x:65534:
`

const ok: Array<[string, { uid: number; gid: number; additionalGids: number[] }]> = [
  ['', { uid: 0, gid: 0, additionalGids: [10] }],
  ['root', { uid: 0, gid: 0, additionalGids: [10] }],
  ['www-data', { uid: 33, gid: 33, additionalGids: [10, 50] }],
  ['33', { uid: 33, gid: 33, additionalGids: [10, 50] }],
  ['www-data:staff', { uid: 33, gid: 50, additionalGids: [] }],
  ['nobody:10', { uid: 65534, gid: 10, additionalGids: [] }],
  ['1234', { uid: 1234, gid: 0, additionalGids: [] }],
  ['1234:5678', { uid: 1234, gid: 5678, additionalGids: [] }],
  ['daemon:', { uid: 1, gid: 1, additionalGids: [] }],
]
for (const [spec, want] of ok) test(`user "${spec}"`, () => assert.deepEqual(lookupUser(spec, PASSWD, GROUP), want))

const bad: Array<[string, string]> = [
  ['alice', 'unable to find user alice: no matching entries in passwd file'],
  ['root:admins', 'unable to find group admins: no matching entries in group file'],
  ['4294967296', 'uids and gids must be in range 0-2147483647'],
]
for (const [spec, message] of bad) {
  test(`user "${spec}" refused`, () => assert.throws(() => lookupUser(spec, PASSWD, GROUP), (e: unknown) => e instanceof BerthError && e.kind === 'invalid' && e.message === message))
}

test('no passwd file: numeric works, names fail', () => {
  assert.deepEqual(lookupUser('1000:1000', '', ''), { uid: 1000, gid: 1000, additionalGids: [] })
  assert.deepEqual(lookupUser('', '', ''), { uid: 0, gid: 0, additionalGids: [] })
  assert.throws(() => lookupUser('root', '', ''), /no matching entries in passwd file/)
})

let dir = ''
let root = ''
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-spec-user-'))
  root = join(dir, 'rootfs')
  await mkdir(join(root, 'etc'), { recursive: true })
  await mkdir(join(root, 'data'))
  // The "host" side: files that must never be read through the rootfs.
  await writeFile(join(dir, 'passwd'), 'evil:x:0:0::/:/bin/sh\n')
  await writeFile(join(root, 'data', 'passwd'), PASSWD)
  await writeFile(join(root, 'etc', 'group'), GROUP)
})
after(() => rm(dir, { recursive: true, force: true }))

test('resolveUser follows an absolute symlink inside the rootfs', async () => {
  await symlink('/data/passwd', join(root, 'etc', 'passwd'))
  assert.deepEqual(await resolveUser(root, 'www-data'), { uid: 33, gid: 33, additionalGids: [10, 50] })
  await rm(join(root, 'etc', 'passwd'))
})

test('a symlink climbing out of the rootfs stays inside it', async () => {
  await symlink('../../../../../../passwd', join(root, 'etc', 'passwd'))
  assert.equal(await resolveInRoot(root, '/etc/passwd'), join(root, 'passwd'))
  await assert.rejects(resolveUser(root, 'evil'), /unable to find user evil/)
  await rm(join(root, 'etc', 'passwd'))
  await symlink(join(dir, 'passwd'), join(root, 'etc', 'passwd')) // absolute host path, re-rooted
  await assert.rejects(resolveUser(root, 'evil'), /unable to find user evil/)
  await rm(join(root, 'etc', 'passwd'))
})

test('symlink loops fail instead of hanging', async () => {
  await symlink('/etc/passwd', join(root, 'etc', 'passwd'))
  await assert.rejects(resolveUser(root, 'root'), /too many levels of symbolic links/)
  await rm(join(root, 'etc', 'passwd'))
})
