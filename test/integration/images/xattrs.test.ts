// Extended attributes through layers, byte for byte: a layer tar made here by GNU tar with a binary
// security.capability and a user.* attribute is imported and run (checked on the container's
// mounted rootfs from the host); an attribute set on a container's upper dir is committed, saved
// as exactly the PAX record bytes, and restored by load. Overlay's own attributes never leave.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, existsSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { getXattr, setXattr } from '../../../src/sys/ffi.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('xattrs')
})
after(async () => {
  await d.cleanup()
})

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r
}

function sh(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
  assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}

// cap_net_bind_service, permitted + effective (revision 2): not valid UTF-8
const CAP = Buffer.from('0100000200040000000000000000000000000000', 'hex')
const FOO = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x3d, 0x0a, 0xc3, 0x28])
const BAR = Buffer.from([0x00, 0x01, 0xe9, 0xff, 0x0a])

/** A PAX record as the format defines it: `<len> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  for (let len = body.length + 1; ; len++) if (String(len).length + body.length === len) return Buffer.concat([Buffer.from(String(len)), body])
}

const mergedDir = (name: string): string => JSON.parse(ok(d.berth(['inspect', name])).stdout)[0].GraphDriver.Data.MergedDir
const upperDir = (name: string): string => JSON.parse(ok(d.berth(['inspect', name])).stdout)[0].GraphDriver.Data.UpperDir

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(existsSync(path), `${path} appears`)
}

test('xattrs: imported, run, committed, saved as the same PAX bytes, loaded back', async () => {
  // the input layer: busybox, and a copy of it carrying a file capability and a user attribute
  const rootfs = join(d.dir, 'rootfs')
  mkdirSync(join(rootfs, 'bin'), { recursive: true })
  copyFileSync('/bin/busybox', join(rootfs, 'bin/busybox'))
  symlinkSync('busybox', join(rootfs, 'bin/sh'))
  copyFileSync('/bin/busybox', join(rootfs, 'bin/capped'))
  setXattr(join(rootfs, 'bin/capped'), 'security.capability', CAP)
  setXattr(join(rootfs, 'bin/capped'), 'user.foo', FOO)
  const layerTar = join(d.dir, 'layer.tar')
  sh(['tar', '--xattrs', '--xattrs-include=*', '--numeric-owner', '-cf', layerTar, '-C', rootfs, '.'])
  const input = readFileSync(layerTar)
  assert.ok(input.includes(paxRecord('SCHILY.xattr.security.capability', CAP)), 'GNU tar wrote the records this test expects')
  assert.ok(input.includes(paxRecord('SCHILY.xattr.user.foo', FOO)))

  ok(d.berth(['import', layerTar, 'xat:1']))
  ok(d.berth(['run', '-d', '--name', 'xa', 'xat:1', '/bin/sh', '-c', 'echo new > /added && exec /bin/busybox sleep 600']))
  try {
    const merged = mergedDir('xa')
    assert.deepEqual(getXattr(join(merged, 'bin/capped'), 'security.capability'), CAP)
    assert.deepEqual(getXattr(join(merged, 'bin/capped'), 'user.foo'), FOO)
    assert.match(sh(['getcap', join(merged, 'bin/capped')]), /cap_net_bind_service[=+]ep/)

    // an attribute set on the container's writable layer from the host, and overlay bookkeeping beside it
    const added = join(upperDir('xa'), 'added')
    await waitFor(added)
    setXattr(added, 'user.bar', BAR)
    setXattr(added, 'security.capability', CAP)
    setXattr(added, 'trusted.overlay.berth-test', Buffer.from('never exported'))
    ok(d.berth(['commit', 'xa', 'xat:2']))
  } finally {
    ok(d.berth(['rm', '-f', 'xa']))
  }

  const saved = join(d.dir, 'saved.tar')
  ok(d.berth(['save', '-o', saved, 'xat:2']))
  const out = join(d.dir, 'saved')
  mkdirSync(out)
  sh(['tar', '-xf', saved, '-C', out])
  const [manifest] = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
  assert.equal(manifest!.Layers.length, 2)
  assert.ok(readFileSync(join(out, manifest!.Layers[0]!)).equals(input), 'the imported layer is saved byte for byte')
  const committed = readFileSync(join(out, manifest!.Layers[1]!))
  assert.ok(committed.includes(paxRecord('SCHILY.xattr.user.bar', BAR)), 'user.bar record, exact bytes')
  assert.ok(committed.includes(paxRecord('SCHILY.xattr.security.capability', CAP)), 'security.capability record, exact bytes')
  assert.ok(!committed.includes(Buffer.from('trusted.overlay')), 'no overlay attribute leaves')

  // load restores the committed layer's attributes
  ok(d.berth(['rmi', 'xat:2', 'xat:1']))
  ok(d.berth(['load', '-i', saved]))
  ok(d.berth(['run', '-d', '--name', 'xb', 'xat:2', '/bin/busybox', 'sleep', '600']))
  try {
    const merged = mergedDir('xb')
    assert.deepEqual(getXattr(join(merged, 'added'), 'user.bar'), BAR)
    assert.deepEqual(getXattr(join(merged, 'added'), 'security.capability'), CAP)
    assert.equal(getXattr(join(merged, 'added'), 'trusted.overlay.berth-test'), undefined)
    assert.deepEqual(getXattr(join(merged, 'bin/capped'), 'user.foo'), FOO)
  } finally {
    ok(d.berth(['rm', '-f', 'xb']))
    ok(d.berth(['rmi', 'xat:2']))
  }
})
