import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, rm, writeFile, rename, readdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ExitWatcher, isExitFileName, parseExitFile } from './exits.js'

test('exit file names and contents', () => {
  assert.equal(isExitFileName('abc123'), true)
  assert.equal(isExitFileName('abc123.X1Y2Z3'), false)
  assert.equal(parseExitFile('137'), 137)
  assert.equal(parseExitFile('-1\n'), -1)
  assert.equal(parseExitFile(''), undefined)
  assert.equal(parseExitFile('x'), undefined)
})

test('ExitWatcher reports existing files at start and new ones once, until consumed', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'berth-unit-exits-'))
  try {
    await writeFile(join(dir, 'old'), '3')
    const w = new ExitWatcher(dir)
    const seen: Array<[string, number]> = []
    let notify = () => {}
    w.on('exit', (id, code) => {
      seen.push([id, code])
      notify()
    })
    const next = () => new Promise<void>((r) => (notify = r))
    let p = next()
    await w.start()
    await p
    assert.deepEqual(seen, [['old', 3]])
    // the way conmon writes: temp file, then rename
    p = next()
    await writeFile(join(dir, 'new.AB12CD'), '137')
    await rename(join(dir, 'new.AB12CD'), join(dir, 'new'))
    await p
    assert.deepEqual(seen[1], ['new', 137])
    await writeFile(join(dir, 'new'), '137') // rewrite: not reported again
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(seen.length, 2)
    await w.consume('new')
    assert.deepEqual(await readdir(dir), ['old'])
    p = next()
    await writeFile(join(dir, 'new'), '0') // a restarted container exits again
    await p
    assert.deepEqual(seen[2], ['new', 0])
    w.stop()
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
})
