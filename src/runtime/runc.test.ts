import { test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Runc, RuncError, parseList, runcArgs, runcMessage, type RunFn } from './runc.js'

test('runc argv builders', () => {
  const table: Array<[string[], string[]]> = [
    [runcArgs.start('/r', 'c1'), ['--root', '/r', 'start', 'c1']],
    [runcArgs.kill('/r', 'c1', 'KILL'), ['--root', '/r', 'kill', 'c1', 'KILL']],
    [runcArgs.kill('/r', 'c1', 15, true), ['--root', '/r', 'kill', '--all', 'c1', '15']],
    [runcArgs.delete('/r', 'c1'), ['--root', '/r', 'delete', 'c1']],
    [runcArgs.delete('/r', 'c1', true), ['--root', '/r', 'delete', '--force', 'c1']],
    [runcArgs.pause('/r', 'c1'), ['--root', '/r', 'pause', 'c1']],
    [runcArgs.resume('/r', 'c1'), ['--root', '/r', 'resume', 'c1']],
    [runcArgs.state('/r', 'c1'), ['--root', '/r', 'state', 'c1']],
    [runcArgs.list('/r'), ['--root', '/r', 'list', '--format', 'json']],
    [runcArgs.ps('/r', 'c1'), ['--root', '/r', 'ps', '--format', 'json', 'c1']],
  ]
  for (const [got, want] of table) assert.deepEqual(got, want)
})

test('runcMessage extracts logrus msg values', () => {
  assert.equal(runcMessage('time="2026-12-02T12:39:15Z" level=error msg="container does not exist"\n'), 'container does not exist')
  assert.equal(
    runcMessage('time="x" level=error msg="runc create failed: exec: \\"nope\\": executable file not found in $PATH"\n'),
    'runc create failed: exec: "nope": executable file not found in $PATH',
  )
  assert.equal(runcMessage('level=warning msg=first\nlevel=error msg="second"'), 'first; second')
  assert.equal(runcMessage('  plain text\n'), 'plain text')
})

test('parseList handles null and rows', () => {
  assert.deepEqual(parseList('null\n'), [])
  assert.deepEqual(parseList('[{"ociVersion":"1.0","id":"a","pid":12,"status":"running","bundle":"/b"}]'), [
    { id: 'a', status: 'running', pid: 12 },
  ])
})

const missing = 'time="t" level=error msg="container does not exist"\n'
function fake(code: number, stdout = '', stderr = ''): { fn: RunFn; calls: string[][] } {
  const calls: string[][] = []
  return { calls, fn: async (_f, args) => (calls.push([...args]), { code, stdout, stderr }) }
}

test('delete of a missing container is not an error; other failures are', async () => {
  const f = fake(1, '', missing)
  await new Runc('/r', '/bin/runc', f.fn).delete('c1', true)
  assert.deepEqual(f.calls, [['--root', '/r', 'delete', '--force', 'c1']])
  const g = fake(1, '', 'time="t" level=error msg="cannot delete container c1 that is not stopped: running"\n')
  await assert.rejects(new Runc('/r', '/bin/runc', g.fn).delete('c1'), (e: unknown) => {
    assert.ok(e instanceof RuncError)
    assert.equal(e.message, 'runc delete c1: cannot delete container c1 that is not stopped: running')
    return true
  })
})

test('state: undefined when missing, parsed otherwise', async () => {
  assert.equal(await new Runc('/r', 'runc', fake(1, '', missing).fn).state('c1'), undefined)
  const ok = fake(0, JSON.stringify({ id: 'c1', pid: 42, status: 'paused', bundle: '/b' }))
  assert.deepEqual(await new Runc('/r', 'runc', ok.fn).state('c1'), { status: 'paused', pid: 42 })
})

test('kill failure carries runc message; ps parses pids', async () => {
  await assert.rejects(new Runc('/r', 'runc', fake(1, '', missing).fn).kill('c1', 'TERM'), /runc kill c1: container does not exist/)
  assert.deepEqual(await new Runc('/r', 'runc', fake(0, '[1,2,3]\n').fn).ps('c1'), [1, 2, 3])
  assert.deepEqual(await new Runc('/r', 'runc', fake(0, 'null\n').fn).ps('c1'), [])
})

test('start falls back to runc start when init has not opened its exec FIFO yet', async () => {
  const root = mkdtempSync(join(tmpdir(), 'runc-test-'))
  try {
    mkdirSync(join(root, 'c1'))
    assert.equal(spawnSync('mkfifo', [join(root, 'c1', 'exec.fifo')]).status, 0)
    const f = fake(0)
    await new Runc(root, 'runc', f.fn).start('c1')
    assert.deepEqual(f.calls, [['--root', root, 'start', 'c1']])
    const dead = fake(1, '', 'time="t" level=error msg="cannot start a container that has stopped"\n')
    await assert.rejects(new Runc(root, 'runc', dead.fn).start('c1'), /runc start c1: cannot start a container that has stopped/)
  } finally {
    rmSync(root, { recursive: true, force: true })
  }
})
