// A daemon that dies mid-pull, load or commit leaves work in tmp, a layer directory placed
// without its row, or a layer row whose image was never written. The next daemon removes all of
// it at start, and keeps what stored images and containers use.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('crash-reconcile')
})
after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, r.stderr)
  return r
}

const layerDirs = () => readdirSync(join(d.dataRoot, 'layers')).sort()

test('start after a crash: tmp emptied, unrecorded layer dirs and image-less layer rows removed, used layers kept', async () => {
  ok(d.berth(['run', '--name', 'cr-base', 'busybox', 'sh', '-c', 'echo kept > /kept']))
  ok(d.berth(['commit', 'cr-base', 'cr-kept']))
  ok(d.berth(['run', '--name', 'cr-gone', 'busybox', 'sh', '-c', 'echo gone > /gone']))
  const goneId = ok(d.berth(['commit', 'cr-gone', 'cr-gone'])).stdout.trim()
  ok(d.berth(['rm', 'cr-base', 'cr-gone']))
  const withBoth = layerDirs()
  // a container created from cr-kept holds its layers whatever happens to the image
  ok(d.berth(['create', '--name', 'cr-holder', 'cr-kept']))
  await d.kill()

  // what a crash mid-commit of cr-gone would leave: its layer row, no image row
  const db = new Database(join(d.dataRoot, 'berth.db'))
  db.prepare('DELETE FROM tags WHERE image_id = ?').run(goneId)
  db.prepare('DELETE FROM images WHERE id = ?').run(goneId)
  db.close()
  // a layer placed by a pull the daemon died in, before its row was written
  const stray = join(d.dataRoot, 'layers', 'f'.repeat(64))
  mkdirSync(join(stray, 'diff', 'etc'), { recursive: true })
  writeFileSync(join(stray, 'diff', 'etc', 'f'), 'x')
  // downloads and work dirs in flight
  mkdirSync(join(d.dataRoot, 'tmp', 'layer-abc', 'diff'), { recursive: true })
  writeFileSync(join(d.dataRoot, 'tmp', 'pull-0123456789ab-cafe'), 'partial')

  await d.restart()
  assert.deepEqual(readdirSync(join(d.dataRoot, 'tmp')), [])
  assert.equal(existsSync(stray), false)
  const after = layerDirs()
  assert.equal(after.length, withBoth.length - 1, `one layer (cr-gone's) removed: ${withBoth} → ${after}`)
  assert.equal(ok(d.berth(['start', '-a', 'cr-holder'])).stdout, '')
  assert.equal(ok(d.berth(['run', '--rm', 'cr-kept', 'cat', '/kept'])).stdout, 'kept\n')
  ok(d.berth(['rm', 'cr-holder']))
  ok(d.berth(['rmi', 'cr-kept']))
})
