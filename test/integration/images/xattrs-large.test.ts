// An extended attribute past 4 KiB through the layer paths: set on a container's writable layer,
// committed (the layer built while packing), saved as one PAX record, loaded and run again.
// Linux takes values up to 64 KiB, but ext4 without ea_inode holds one block (4 KiB): the daemon's
// data root is a tmpfs of its own (user.* there since Linux 6.6), unmounted at the end.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmdirSync } from 'node:fs'
import { join } from 'node:path'
import { leaks, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { getXattr, setXattr } from '../../../src/sys/ffi.js'

let d: TestDaemon | undefined
let dataRoot: string

function sh(argv: string[]): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
  assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}

before(async () => {
  dataRoot = mkdtempSync('/tmp/berth-test-xattrs-large-data-')
  sh(['mount', '-t', 'tmpfs', '-o', 'size=256m,mode=0711', 'tmpfs', dataRoot])
  d = await startDaemon('xattrs-large', ['--data-root', dataRoot])
})
after(async () => {
  try {
    await d?.cleanup()
    assert.deepEqual(leaks(dataRoot).filter((l) => !l.startsWith(`mount: ${dataRoot} `) && l !== `mount: ${dataRoot}`), [], 'nothing left on the data root')
  } finally {
    spawnSync('umount', [dataRoot])
    rmdirSync(dataRoot)
  }
})

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r
}

/** A PAX record as the format defines it: `<len> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  for (let len = body.length + 1; ; len++) if (String(len).length + body.length === len) return Buffer.concat([Buffer.from(String(len)), body])
}

const graph = (name: string): { MergedDir: string; UpperDir: string } => JSON.parse(ok(d!.berth(['inspect', name])).stdout)[0].GraphDriver.Data

async function waitFor(path: string): Promise<void> {
  for (let i = 0; i < 200 && !existsSync(path); i++) await new Promise((r) => setTimeout(r, 50))
  assert.ok(existsSync(path), `${path} appears`)
}

test('a 10 KiB user.* xattr is committed, saved as one PAX record, loaded and seen in a container', async (t) => {
  const value = Buffer.concat([Buffer.from([0xff, 0x00, 0x0a, 0x3d]), randomBytes(10 * 1024 - 4)])
  ok(d!.berth(['run', '-d', '--name', 'xl', 'busybox', 'sh', '-c', 'echo big > /big && exec sleep 600']))
  try {
    const big = join(graph('xl').UpperDir, 'big')
    await waitFor(big)
    try {
      setXattr(big, 'user.big', value)
    } catch (e) {
      if ((e as { errno?: number }).errno !== 95 && (e as { errno?: number }).errno !== 28) throw e
      t.skip(`this tmpfs holds no 10 KiB user.* xattr (${(e as Error).message}): needs Linux 6.6 or later`)
      return
    }
    ok(d!.berth(['commit', 'xl', 'xl:1']))
  } finally {
    ok(d!.berth(['rm', '-f', 'xl']))
  }

  ok(d!.berth(['run', '-d', '--name', 'xc', 'xl:1', 'sleep', '600']))
  try {
    assert.deepEqual(getXattr(join(graph('xc').MergedDir, 'big'), 'user.big'), value, 'the committed layer has it')
  } finally {
    ok(d!.berth(['rm', '-f', 'xc']))
  }

  const saved = join(d!.dir, 'saved.tar')
  ok(d!.berth(['save', '-o', saved, 'xl:1']))
  const out = join(d!.dir, 'saved')
  mkdirSync(out)
  sh(['tar', '-xf', saved, '-C', out])
  const [manifest] = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as Array<{ Layers: string[] }>
  const committed = readFileSync(join(out, manifest!.Layers.at(-1)!))
  assert.ok(committed.includes(paxRecord('SCHILY.xattr.user.big', value)), 'the saved layer holds the whole value as one record')

  ok(d!.berth(['rmi', 'xl:1']))
  ok(d!.berth(['load', '-i', saved]))
  ok(d!.berth(['run', '-d', '--name', 'xd', 'xl:1', 'sleep', '600']))
  try {
    assert.deepEqual(getXattr(join(graph('xd').MergedDir, 'big'), 'user.big'), value, 'load restores it')
  } finally {
    ok(d!.berth(['rm', '-f', 'xd']))
    ok(d!.berth(['rmi', 'xl:1']))
  }
})
