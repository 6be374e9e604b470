import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync, statSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { changes, ChangeKind } from './changes.js'

test('changes: added, modified, opaque-deleted, unchanged parent dirs', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-changes-'))
  t.after(() => rmSync(dir, { recursive: true, force: true }))
  const lower = join(dir, 'lower')
  const upper = join(dir, 'upper')
  for (const d of ['etc', 'opq', 'same']) mkdirSync(join(lower, d), { recursive: true })
  writeFileSync(join(lower, 'etc/hosts'), 'old')
  for (const d of ['etc', 'opq', 'same', 'new']) mkdirSync(join(upper, d), { recursive: true })
  writeFileSync(join(upper, 'etc/hosts'), 'new')
  writeFileSync(join(upper, 'etc/added'), 'x')
  writeFileSync(join(upper, 'same/f'), 'x')
  writeFileSync(join(upper, 'new/f'), 'x')
  // `same` looks identical to the lower dir, `etc` does not (mtime differs)
  const s = statSync(join(lower, 'same'))
  chmodSync(join(upper, 'same'), s.mode & 0o7777)
  utimesSync(join(upper, 'same'), s.atime, s.mtime)
  utimesSync(join(upper, 'etc'), new Date(5000), new Date(5000))
  const opaque = new Set([join(upper, 'opq')])
  const x = { getXattr: (p: string, name: string) => (name === 'trusted.overlay.opaque' && opaque.has(p) ? Buffer.from('y') : undefined) }
  const got = await changes(upper, [lower], x)
  assert.deepEqual(got, [
    { Path: '/etc', Kind: ChangeKind.Modified },
    { Path: '/etc/added', Kind: ChangeKind.Added },
    { Path: '/etc/hosts', Kind: ChangeKind.Modified },
    { Path: '/new', Kind: ChangeKind.Added },
    { Path: '/new/f', Kind: ChangeKind.Added },
    { Path: '/opq', Kind: ChangeKind.Deleted },
    { Path: '/same', Kind: ChangeKind.Modified },
    { Path: '/same/f', Kind: ChangeKind.Added },
  ])
})
