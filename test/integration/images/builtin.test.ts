import { test } from 'node:test'
import assert from 'node:assert/strict'
import { lstatSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import { Readable } from 'node:stream'
import { imageEnv } from './env.js'

test('builtin busybox: deterministic ID across roots, runs under chroot, round-trips save/load', async () => {
  const a = imageEnv('images-builtin-a')
  const b = imageEnv('images-builtin-b')
  try {
    const imgA = await a.images.ensureBuiltin()
    const imgB = await b.images.ensureBuiltin()
    assert.equal(imgA.id, imgB.id)
    assert.equal((await a.images.ensureBuiltin()).id, imgA.id) // present: not rebuilt
    assert.equal(a.images.resolve('busybox').id, imgA.id)
    assert.deepEqual(imgA.config.config?.Cmd, ['sh'])
    assert.equal(imgA.config.architecture, 'amd64')

    const merged = a.mount(a.images.lowerDirs(imgA.id))
    assert.equal(lstatSync(join(merged, 'tmp')).mode & 0o7777, 0o1777)
    assert.match(readFileSync(join(merged, 'etc/passwd'), 'utf8'), /^nobody:x:65534:65534:/m)
    assert.equal(lstatSync(join(merged, 'usr/bin/wget')).ino, lstatSync(join(merged, 'bin/busybox')).ino)
    const r = spawnSync('chroot', [merged, '/bin/sh', '-c', 'echo hi; id -u; ls /usr/bin/env'], { encoding: 'utf8' })
    assert.equal(r.stderr, '')
    assert.equal(r.stdout, 'hi\n0\n/usr/bin/env\n')

    const history = a.images.history('busybox:latest')
    assert.equal(history.length, 1)
    assert.equal(history[0]!.id, imgA.id)
    assert.deepEqual(history[0]!.tags, ['busybox:latest'])
    assert.ok(history[0]!.size > 1_000_000)

    assert.deepEqual(await b.images.remove('busybox', {}, () => undefined), [
      { Untagged: 'busybox:latest' }, { Deleted: imgB.id }, { Deleted: imgB.chainIds[0] },
    ])
    const ids = await b.images.load(a.images.save(['busybox']), () => {})
    assert.deepEqual(ids, [imgA.id])
  } finally {
    a.cleanup()
    b.cleanup()
  }
})

test('import: rootfs tarball with --change becomes a one-layer image', async () => {
  const env = imageEnv('images-import')
  try {
    const bb = await env.images.ensureBuiltin()
    const layerTar = readFileSync(join(env.paths.blobs, 'sha256', bb.diffIds[0]!.slice(7)))
    const id = await env.images.import(Readable.from([layerTar]), {
      ref: 'imported:v1',
      changes: ['CMD ["echo", "hi"]', 'ENV A=1 B="two words"', 'EXPOSE 80 53/udp', 'WORKDIR /tmp', 'USER nobody', 'LABEL k=v'],
      message: 'from test',
    })
    const image = env.images.resolve('imported:v1')
    assert.equal(image.id, id)
    assert.deepEqual(image.diffIds, bb.diffIds)
    assert.deepEqual(image.chainIds, bb.chainIds) // same content: the layer is shared
    const c = image.config.config!
    assert.deepEqual(c.Cmd, ['echo', 'hi'])
    assert.deepEqual(c.Env, ['A=1', 'B=two words'])
    assert.deepEqual(c.ExposedPorts, { '80/tcp': {}, '53/udp': {} })
    assert.equal(c.WorkingDir, '/tmp')
    assert.equal(c.User, 'nobody')
    assert.deepEqual(c.Labels, { k: 'v' })
    assert.equal(env.images.history(id)[0]!.comment, 'from test')
    // removing one image keeps the shared layer for the other
    const items = await env.images.remove('imported:v1', {}, () => undefined)
    assert.deepEqual(items, [{ Untagged: 'imported:v1' }, { Deleted: id }])
    assert.deepEqual(env.images.lowerDirs(bb.id).map((d) => lstatSync(d).isDirectory()), [true])
  } finally {
    env.cleanup()
  }
})
