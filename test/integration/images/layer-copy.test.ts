// The commit core without a daemon: a real overlay upper dir with every kind of change is packed
// and copied in one pass (storage/layer-copy.ts); the copy must equal what unpacking the tar gives.
// Then ImageService.commit end to end: a layer on a parent, exclusions, an empty layer, a
// metadata-only step, scratch.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createReadStream, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, symlinkSync, writeFileSync, chmodSync, chownSync, existsSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import * as ffi from '../../../src/sys/ffi.js'
import { packAndCopy } from '../../../src/storage/layer-copy.js'
import { unpack } from '../../../src/storage/unpack.js'
import { imageEnv } from './env.js'

/** Every entry of a tree as one comparable line (hard links share an inode number per tree: mapped to the first name). */
function describe(root: string): string[] {
  const out: string[] = []
  const inodes = new Map<number, string>()
  const visit = (rel: string) => {
    for (const name of readdirSync(join(root, rel)).sort()) {
      const r = rel ? `${rel}/${name}` : name
      const p = join(root, r)
      const st = lstatSync(p)
      const kind = st.isDirectory() ? 'dir' : st.isSymbolicLink() ? `link→${readlinkSync(p)}` : st.isFile() ? 'file' : st.isCharacterDevice() ? `chr${st.rdev}` : st.isFIFO() ? 'fifo' : '?'
      const content = st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex').slice(0, 12) : ''
      const first = st.isFile() && st.nlink > 1 ? (inodes.get(st.ino) ?? (inodes.set(st.ino, r), r)) : ''
      const opaque = st.isDirectory() ? ffi.getXattr(p, 'trusted.overlay.opaque')?.toString() ?? '' : ''
      const mtime = st.isDirectory() || st.isSymbolicLink() || st.isFile() ? Math.floor(st.mtimeMs / 1000) : ''
      out.push(`${r} ${kind} ${(st.mode & 0o7777).toString(8)} ${st.uid}:${st.gid} ${content} ${first} ${opaque} ${mtime}`)
      if (st.isDirectory()) visit(r)
    }
  }
  visit('')
  return out
}

test('pack and copy in one pass equals unpacking the packed tar', async () => {
  const env = imageEnv('layer-copy')
  try {
    const bb = await env.images.ensureBuiltin()
    const merged = env.mount(env.images.lowerDirs(bb.id))
    const upper = join(merged, '../upper')
    rmSync(join(merged, 'etc/group'))
    rmSync(join(merged, 'home'), { recursive: true })
    mkdirSync(join(merged, 'home'))
    writeFileSync(join(merged, 'home/new'), 'n')
    mkdirSync(join(merged, 'd/sub'), { recursive: true })
    writeFileSync(join(merged, 'd/a'), 'a')
    linkSync(join(merged, 'd/a'), join(merged, 'd/hard'))
    symlinkSync('../d/a', join(merged, 'd/sub/rel'))
    writeFileSync(join(merged, 'd/big'), Buffer.alloc(3 << 20, 7))
    writeFileSync(join(merged, 'd/suid'), 's')
    chownSync(join(merged, 'd/suid'), 12, 34)
    chmodSync(join(merged, 'd/suid'), 0o4755)
    chmodSync(join(merged, 'd/sub'), 0o1777)
    writeFileSync(join(merged, 'd/empty'), '')
    spawnSync('mkfifo', [join(merged, 'd/fifo')])
    mkdirSync(join(merged, 'vol/deep'), { recursive: true })
    writeFileSync(join(merged, 'vol/deep/x'), 'x')
    writeFileSync(join(merged, 'gone'), 'g')

    const work = mkdtempSync(join(env.dir, 'work-'))
    const packed = await packAndCopy(upper, work, ffi, { paths: ['gone'], contentsOf: ['vol'] })
    const out = mkdtempSync(join(env.dir, 'unpacked-'))
    const r = await unpack(createReadStream(packed.tarFile), out, { layer: ffi })
    assert.equal(r.diffId, packed.diffId)
    assert.equal(r.size, packed.size)
    const copied = describe(join(work, 'diff'))
    assert.deepEqual(copied, describe(out))
    assert.ok(copied.some((l) => l.startsWith('etc/group chr0 ')), 'whiteout')
    assert.ok(copied.some((l) => /^home dir .* y \d+$/.test(l)), 'opaque')
    assert.ok(copied.some((l) => l.startsWith('d/hard file 644 0:0 ') && l.includes(' d/a ')), 'hard link')
    assert.ok(copied.some((l) => l.startsWith('d/suid file 4755 12:34 ')), 'set-uid kept after chown')
    assert.ok(copied.includes(copied.find((l) => l.startsWith('vol '))!) && !copied.some((l) => l.startsWith('vol/')), 'contents left out')
    assert.ok(!copied.some((l) => l.startsWith('gone ')), 'path left out')
  } finally {
    env.cleanup()
  }
})

test('ImageService.commit: a layer on a parent, an empty layer, a metadata step, scratch', async () => {
  const env = imageEnv('commit-core')
  try {
    const bb = await env.images.ensureBuiltin()
    const upper = mkdtempSync(join(env.dir, 'upper-'))
    writeFileSync(join(upper, 'hello'), 'hi\n')
    const config = { Cmd: ['cat', '/hello'], Env: ['A=1'] }
    const one = await env.images.commit({ parentId: bb.id, layerDir: upper, config, history: { created_by: 'step 1', comment: 'c' }, author: 'me', tags: ['docker.io/library/core:1'] })
    const img = env.images.resolve('core:1')
    assert.equal(img.id, one.id)
    assert.equal(img.parent, bb.id)
    assert.deepEqual(img.diffIds.slice(0, -1), bb.diffIds)
    assert.deepEqual(img.config.config, config)
    assert.equal(img.config.author, 'me')
    const last = img.config.history!.at(-1)!
    assert.deepEqual([last.created_by, last.comment, last.empty_layer], ['step 1', 'c', undefined])
    assert.equal(img.config.history!.length, (bb.config.history ?? []).length + 1)
    assert.equal(readFileSync(join(env.mount(env.images.lowerDirs(img.id)), 'hello'), 'utf8'), 'hi\n')

    // nothing changed: no layer, empty_layer in history (as Docker)
    const empty = mkdtempSync(join(env.dir, 'empty-'))
    const two = await env.images.commit({ parentId: one.id, layerDir: empty, config, history: {} })
    assert.deepEqual(env.images.resolve(two.id).diffIds, img.diffIds)
    assert.equal(env.images.resolve(two.id).config.history!.at(-1)!.empty_layer, true)
    // metadata only
    const three = await env.images.commit({ parentId: two.id, config: { ...config, User: 'u' }, history: { created_by: '/bin/sh -c #(nop)  USER u' } })
    assert.equal(env.images.resolve(three.id).config.history!.at(-1)!.empty_layer, true)
    assert.equal(env.images.resolve(three.id).config.config!.User, 'u')
    // scratch: the layer alone, host architecture
    const four = await env.images.commit({ layerDir: upper, config: {}, history: {} })
    const s = env.images.resolve(four.id)
    assert.equal(s.diffIds.length, 1)
    assert.equal(s.parent, undefined)
    assert.equal(s.config.os, 'linux')
    // the same content on the same parent is the same layer, stored once
    assert.equal(s.chainIds[0], s.diffIds[0])
    assert.ok(existsSync(env.images.lowerDirs(four.id)[0]!))
    await assert.rejects(env.images.commit({ parentId: 'sha256:' + '0'.repeat(64), config: {}, history: {} }), { message: /No such image/ })
  } finally {
    env.cleanup()
  }
})
