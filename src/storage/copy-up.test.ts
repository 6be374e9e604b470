import { test } from 'node:test'
import assert from 'node:assert/strict'
import { chmod, lstat, mkdir, mkdtemp, readFile, readlink, rm, symlink, writeFile, link, chown, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { copyUp, resolveInRoot } from './copy-up.js'
import { getXattr, setXattr } from '../sys/ffi.js'

const isRoot = process.getuid?.() === 0

async function tree() {
  const base = await mkdtemp(join(tmpdir(), 'copy-up-'))
  const src = join(base, 'src')
  const dst = join(base, 'dst')
  await mkdir(join(src, 'sub', 'deep'), { recursive: true })
  await mkdir(dst)
  await writeFile(join(src, 'a.txt'), 'alpha')
  await chmod(join(src, 'a.txt'), 0o640)
  await writeFile(join(src, 'sub', 'deep', 'b'), 'beta')
  await link(join(src, 'a.txt'), join(src, 'sub', 'hard'))
  await symlink('../a.txt', join(src, 'sub', 'rel-link'))
  await symlink('/etc/passwd', join(src, 'abs-link'))
  await chmod(join(src, 'sub'), 0o2750)
  await chmod(src, 0o711)
  if (isRoot) {
    await chown(join(src, 'a.txt'), 1000, 1001)
    await chown(join(src, 'sub'), 33, 34)
  }
  return { base, src, dst }
}

test('copy-up preserves content, modes, owners, symlinks and hard links', async () => {
  const { base, src, dst } = await tree()
  try {
    try {
      setXattr(join(src, 'a.txt'), 'user.berth', Buffer.from('yes'))
    } catch {
      // tmpfs without user xattrs: the rest still holds
    }
    assert.equal(await copyUp(src, dst), true)
    assert.equal(await readFile(join(dst, 'a.txt'), 'utf8'), 'alpha')
    assert.equal(await readFile(join(dst, 'sub', 'deep', 'b'), 'utf8'), 'beta')
    const a = await lstat(join(dst, 'a.txt'))
    assert.equal(a.mode & 0o7777, 0o640)
    assert.equal(a.nlink, 2)
    assert.equal((await lstat(join(dst, 'sub', 'hard'))).ino, a.ino)
    assert.equal(await readlink(join(dst, 'sub', 'rel-link')), '../a.txt')
    assert.equal(await readlink(join(dst, 'abs-link')), '/etc/passwd')
    assert.equal((await lstat(join(dst, 'sub'))).mode & 0o7777, 0o2750)
    assert.equal((await lstat(dst)).mode & 0o7777, 0o711)
    const srcTime = Math.floor((await lstat(join(src, 'sub'))).mtimeMs)
    assert.equal(Math.floor((await lstat(join(dst, 'sub'))).mtimeMs), srcTime)
    if (getXattr(join(src, 'a.txt'), 'user.berth')) assert.equal(getXattr(join(dst, 'a.txt'), 'user.berth')?.toString(), 'yes')
    if (isRoot) {
      assert.deepEqual([a.uid, a.gid], [1000, 1001])
      const sub = await lstat(join(dst, 'sub'))
      assert.deepEqual([sub.uid, sub.gid], [33, 34])
    }
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

test('copy-up happens only into an empty volume', async () => {
  const { base, src, dst } = await tree()
  try {
    assert.equal(await copyUp(src, dst), true)
    await rm(join(dst, 'a.txt'))
    await writeFile(join(src, 'new'), 'x')
    assert.equal(await copyUp(src, dst), false)
    assert.deepEqual((await readdir(dst)).sort(), ['abs-link', 'sub'])
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

test('copy-up of a missing or non-directory source copies nothing', async () => {
  const { base, src, dst } = await tree()
  try {
    assert.equal(await copyUp(join(src, 'nope'), dst), false)
    assert.equal(await copyUp(join(src, 'a.txt'), dst), false)
    assert.deepEqual(await readdir(dst), [])
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

test('resolveInRoot follows symlinks without leaving the root', async () => {
  const { base, src } = await tree()
  try {
    await symlink('/sub', join(src, 'to-sub'))
    await symlink('../../../../..', join(src, 'escape'))
    assert.equal(await resolveInRoot(src, '/to-sub/deep'), join(src, 'sub', 'deep'))
    assert.equal(await resolveInRoot(src, '/escape/sub'), join(src, 'sub'))
    assert.equal(await resolveInRoot(src, '/abs-link'), undefined) // /etc/passwd inside src: absent
    assert.equal(await resolveInRoot(src, '/missing'), undefined)
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})
