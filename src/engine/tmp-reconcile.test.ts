import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { clearTmp } from './tmp-reconcile.js'

test('startup removes everything a previous daemon left in tmp', async () => {
  const tmp = mkdtempSync('/tmp/berth-tmp-reconcile-test-')
  try {
    for (const d of ['build-context-a1', 'build-download-b2', 'build-layer-c3', 'load-d4', 'layer-e5', 'commit-f6', 'removing-g7']) {
      mkdirSync(join(tmp, d, 'sub'), { recursive: true })
      writeFileSync(join(tmp, d, 'sub', 'f'), 'x')
    }
    writeFileSync(join(tmp, 'pull-0123456789ab-cafe'), 'partial blob')
    writeFileSync(join(tmp, 'blob-0011223344556677'), 'partial blob')
    await clearTmp(tmp)
    assert.deepEqual(readdirSync(tmp), [])
    await clearTmp(join(tmp, 'absent')) // a fresh data root has no tmp dir yet
  } finally {
    rmSync(tmp, { recursive: true, force: true })
  }
})
