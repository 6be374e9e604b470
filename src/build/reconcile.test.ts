import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { removeStaleBuildDirs } from './reconcile.js'

test('startup removes what an unfinished build left in tmp, and nothing else', async () => {
  const tmp = mkdtempSync('/tmp/berth-reconcile-test-')
  try {
    for (const d of ['build-context-a1', 'build-download-b2', 'build-layer-c3', 'load-d4', 'blob-e5']) {
      mkdirSync(join(tmp, d, 'sub'), { recursive: true })
      writeFileSync(join(tmp, d, 'sub', 'f'), 'x')
    }
    await removeStaleBuildDirs(tmp)
    assert.deepEqual(readdirSync(tmp).sort(), ['blob-e5', 'load-d4'])
    await removeStaleBuildDirs(join(tmp, 'absent')) // a fresh data root has no tmp dir yet
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})
