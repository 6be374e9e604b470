// pinParents / removeTreePinned / chmodNoFollow through unpack's pinned mode (docker cp into a
// running container): links in the tree are never followed, hard links and routes stay inside.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { chmodNoFollow, pinParents } from './safe-path.js'
import { unpack } from './unpack.js'

let base: string
let root: string
let outside: string
before(() => {
  base = mkdtempSync(join(tmpdir(), 'safe-path-'))
  root = join(base, 'root')
  outside = join(base, 'outside')
  mkdirSync(root)
  mkdirSync(outside)
  writeFileSync(join(outside, 'keep'), 'host\n')
})
after(() => rmSync(base, { recursive: true, force: true }))

type Entry = { name: string; body?: string; type?: 'file' | 'directory' | 'symlink' | 'link'; linkname?: string; uid?: number; gid?: number; mode?: number }
function tarOf(entries: Entry[]): Readable {
  const p = tar.pack()
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: e.mode ?? 0o644, uid: e.uid, gid: e.gid }, e.body ?? '')
  p.finalize()
  return p as unknown as Readable
}

test('pinParents refuses a parent that is a symlink and names the entry through its open parent', async () => {
  mkdirSync(join(root, 'p/q'), { recursive: true })
  symlinkSync(outside, join(root, 'p/ln'))
  const pin = await pinParents(root, ['p', 'q', 'f'], 'p/q/f', false)
  assert.match(pin.path, /^\/proc\/self\/fd\/\d+\/f$/)
  await pin.release()
  await assert.rejects(pinParents(root, ['p', 'ln', 'f'], 'p/ln/f', true), { message: /"ln" is not a directory inside the root/ })
  await assert.rejects(pinParents(root, ['p', 'missing', 'f'], 'p/missing/f', false), { message: /not a directory inside the root/ })
})

test('chmodNoFollow leaves a symlink’s target alone', async () => {
  const target = join(outside, 'keep')
  const before = statSync(target).mode
  symlinkSync(target, join(root, 'to-keep'))
  await chmodNoFollow(join(root, 'to-keep'), 0o777)
  assert.equal(statSync(target).mode, before)
})

test('replacing a directory removes it without following links inside it', async () => {
  mkdirSync(join(root, 'victim/sub'), { recursive: true })
  symlinkSync(outside, join(root, 'victim/sub/out'))
  await unpack(tarOf([{ name: 'victim', body: 'now a file\n' }]), root, { pinned: true })
  assert.equal(readFileSync(join(root, 'victim'), 'utf8'), 'now a file\n')
  assert.equal(readFileSync(join(outside, 'keep'), 'utf8'), 'host\n')
})

test('hard links are made inside; keepOwners applies the archive’s owners', async () => {
  const owners: string[] = []
  const lchown = (p: string, uid: number, gid: number) => owners.push(`${p.split('/').pop()} ${uid}:${gid}`)
  await unpack(tarOf([{ name: 'h/a', body: 'A', uid: 7, gid: 8 }, { name: 'h/b', type: 'link', linkname: 'h/a' }]), root, { pinned: true, keepOwners: { lchown } })
  assert.equal(lstatSync(join(root, 'h/b')).ino, lstatSync(join(root, 'h/a')).ino)
  assert.deepEqual(owners, ['a 7:8'])
})

test('route sends entries below a mount point to the mount’s own root', async () => {
  const vol = join(base, 'vol')
  mkdirSync(vol)
  const route = (parts: readonly string[]) => (parts[0] === 'data' ? { root: vol, parts: parts.slice(1) } : { root, parts: [...parts] })
  await unpack(tarOf([{ name: 'data/x', body: 'in volume' }, { name: 'y', body: 'in root' }]), root, { pinned: true, route })
  assert.equal(readFileSync(join(vol, 'x'), 'utf8'), 'in volume')
  assert.equal(existsSync(join(root, 'data/x')), false)
  assert.equal(readFileSync(join(root, 'y'), 'utf8'), 'in root')
})
