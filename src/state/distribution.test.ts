import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openDb } from './db.js'
import { DistributionRepository } from './distribution.js'

test('distribution rows: a layer under several blobs and repositories, looked up both ways', () => {
  const dir = mkdtempSync('/tmp/berth-dist-')
  try {
    const db = openDb(join(dir, 'b.db'))
    const repo = new DistributionRepository(db)
    const base = { diffId: 'sha256:' + 'a'.repeat(64), digest: 'sha256:' + 'b'.repeat(64), mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', size: 10, registry: '127.0.0.1:5000', repository: 'x/y' }
    repo.put(base)
    repo.put(base) // idempotent
    repo.put({ ...base, repository: 'x/z' })
    repo.put({ ...base, digest: 'sha256:' + 'c'.repeat(64), mediaType: 'application/vnd.oci.image.layer.v1.tar+zstd' })
    assert.equal(repo.byDiffId(base.diffId).length, 3)
    assert.deepEqual(repo.byDigest(base.digest).map((r) => r.repository), ['x/y', 'x/z'])
    repo.removeDiffId(base.diffId)
    assert.deepEqual(repo.byDiffId(base.diffId), [])
    db.close()
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
