import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, rmSync, writeFileSync, lstatSync, readFileSync, mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import * as ffi from '../../../src/sys/ffi.js'
import { packLayer } from '../../../src/storage/pack.js'
import { changes, ChangeKind } from '../../../src/storage/changes.js'
import { unpack } from '../../../src/storage/unpack.js'
import { imageEnv } from './env.js'

async function names(stream: Readable): Promise<{ list: string[]; bytes: Buffer }> {
  const chunks: Buffer[] = []
  for await (const c of stream) chunks.push(c as Buffer)
  const bytes = Buffer.concat(chunks)
  const ex = tar.extract()
  const list: string[] = []
  const done = (async () => { for await (const e of ex) { list.push(`${e.header.type} ${e.header.name}`); e.resume() } })()
  Readable.from([bytes]).pipe(ex as unknown as NodeJS.WritableStream)
  await done
  return { list, bytes }
}

test('container changes through overlay: diff kinds, pack to OCI whiteouts, unpack back', async () => {
  const env = imageEnv('images-pack')
  try {
    const bb = await env.images.ensureBuiltin()
    const lowers = env.images.lowerDirs(bb.id)
    const merged = env.mount(lowers)
    const upper = join(merged, '../upper')
    rmSync(join(merged, 'etc/group'))            // → whiteout
    rmSync(join(merged, 'home'), { recursive: true })
    mkdirSync(join(merged, 'home'))              // → opaque dir
    writeFileSync(join(merged, 'home/new'), 'n')
    writeFileSync(join(merged, 'etc/passwd'), 'root:x:0:0::/:/bin/sh\n')
    writeFileSync(join(merged, 'added'), 'a')

    const diff = await changes(upper, lowers, ffi)
    assert.deepEqual(diff, [
      { Path: '/added', Kind: ChangeKind.Added },
      { Path: '/etc', Kind: ChangeKind.Modified },
      { Path: '/etc/group', Kind: ChangeKind.Deleted },
      { Path: '/etc/passwd', Kind: ChangeKind.Modified },
      { Path: '/home', Kind: ChangeKind.Deleted },
      { Path: '/home/new', Kind: ChangeKind.Added },
    ])

    const first = await names(packLayer(upper, ffi))
    const second = await names(packLayer(upper, ffi))
    assert.ok(first.bytes.equals(second.bytes), 'deterministic')
    assert.deepEqual(first.list, [
      'file added', 'directory etc/', 'file etc/.wh.group', 'file etc/passwd',
      'directory home/', 'file home/.wh..wh..opq', 'file home/new',
    ])

    const out = mkdtempSync(join(env.dir, 'unpacked-'))
    await unpack(Readable.from([first.bytes]), out, { layer: ffi })
    assert.ok(lstatSync(join(out, 'etc/group')).isCharacterDevice())
    assert.equal(ffi.getXattr(join(out, 'home'), 'trusted.overlay.opaque')?.toString(), 'y')
    assert.equal(readFileSync(join(out, 'home/new'), 'utf8'), 'n')
  } finally {
    env.cleanup()
  }
})
