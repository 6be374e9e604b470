// create → attach → start → output, stdin, TTY, kill, pause, failures; through real conmon + runc.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createContainer, readExitCode, attachSocketPath, CreateError } from '../../../src/runtime/conmon.js'
import { attach, resize } from '../../../src/runtime/attach.js'
import { useRuntimeWorld, collector, until } from './fixture.js'

const w = useRuntimeWorld('rt-life')

const exitOf = (id: string) => until(() => w.exits.get(id), `exit of ${id}`)

test('stdout and stderr arrive as separate frames; exit code via ExitWatcher', async () => {
  const req = await w.fx.bundle({ args: ['sh', '-c', 'echo out; echo err >&2; exit 3'] })
  const t0 = performance.now()
  const { pid, monitorPid } = await createContainer(req)
  const tCreate = performance.now() - t0
  assert.ok(pid > 0 && monitorPid > 0)
  assert.equal((await w.fx.runc.state(req.id))?.status, 'created')
  const s = await attach(attachSocketPath(req.socketDir, req.id))
  const c = collector()
  s.on('data', c.onData)
  const closed = new Promise<void>((r) => s.on('close', r))
  await w.fx.runc.start(req.id)
  const tStart = performance.now() - t0
  assert.equal(await exitOf(req.id), 3)
  const tExit = performance.now() - t0
  await closed
  assert.equal(c.stdout(), 'out\n')
  assert.equal(c.stderr(), 'err\n')
  assert.deepEqual(await readExitCode(req.runDir, req.id, req.exitDir), { code: 3, oomKilled: false })
  await w.watcher.consume(req.id)
  assert.deepEqual(await readExitCode(req.runDir, req.id, req.exitDir), { code: 3, oomKilled: false }) // persist/exit
  assert.equal((await w.fx.runc.state(req.id))?.status, 'stopped')
  await w.fx.runc.delete(req.id)
  assert.equal(await w.fx.runc.state(req.id), undefined)
  await w.fx.runc.delete(req.id) // missing: fine
  console.log(`timing: create ${tCreate.toFixed(1)} ms, +start ${tStart.toFixed(1)} ms, exit seen ${tExit.toFixed(1)} ms`)
})

test('stdin is piped; end() is EOF', async () => {
  const req = await w.fx.bundle({ args: ['cat'], stdin: true })
  await createContainer(req)
  const s = await attach(attachSocketPath(req.socketDir, req.id))
  const c = collector()
  s.on('data', c.onData)
  await w.fx.runc.start(req.id)
  const big = Buffer.alloc(40000, 'x') // more than one 32 KiB packet
  s.write(Buffer.from('hello\n'))
  s.write(big)
  s.end()
  assert.equal(await exitOf(req.id), 0)
  await until(() => (c.stdout().length >= 6 + big.length ? true : undefined), 'all of stdin echoed')
  assert.equal(c.stdout(), 'hello\n' + big.toString())
  await w.fx.runc.delete(req.id)
})

test('terminal: resize through the ctl fifo, stdin through the pty without -i', async () => {
  const req = await w.fx.bundle({ args: ['sh', '-c', 'read x; stty size; echo "got:$x"'], terminal: true, stdin: true })
  await createContainer(req)
  const s = await attach(attachSocketPath(req.socketDir, req.id))
  const c = collector()
  s.on('data', c.onData)
  await w.fx.runc.start(req.id)
  await until(async () => (await resize(req.bundle, 33, 101).then(() => true, () => undefined)), 'ctl fifo')
  s.write(Buffer.from('hi\n'))
  assert.equal(await exitOf(req.id), 0)
  await until(() => (c.stdout().includes('got:hi') ? true : undefined), 'tty output')
  assert.equal(c.stderr(), '')
  assert.match(c.stdout(), /33 101\r\n/)
  assert.match(c.stdout(), /got:hi\r\n/)
  await w.fx.runc.delete(req.id)
})

test('kill → 137; pause/resume; ps', async () => {
  const req = await w.fx.bundle({ args: ['sleep', '60'] })
  const { pid } = await createContainer(req)
  await w.fx.runc.start(req.id)
  assert.deepEqual(await w.fx.runc.state(req.id), { status: 'running', pid })
  assert.deepEqual(await w.fx.runc.ps(req.id), [pid])
  const listed = await w.fx.runc.list()
  assert.deepEqual(listed.find((e) => e.id === req.id), { id: req.id, status: 'running', pid })
  await w.fx.runc.pause(req.id)
  assert.equal((await w.fx.runc.state(req.id))?.status, 'paused')
  await w.fx.runc.resume(req.id)
  assert.equal((await w.fx.runc.state(req.id))?.status, 'running')
  await w.fx.runc.kill(req.id, 'KILL')
  assert.equal(await exitOf(req.id), 137)
  await w.fx.runc.delete(req.id)
})

test('runc create failure surfaces runc\'s own message', async () => {
  const req = await w.fx.bundle({ args: ['nope'] })
  await assert.rejects(createContainer(req), (e: unknown) => {
    assert.ok(e instanceof CreateError)
    assert.match(e.message, /exec: "nope": executable file not found in \$PATH/)
    assert.doesNotMatch(e.message, /level=error/)
    return true
  })
  await w.fx.runc.delete(req.id, true)
  assert.equal(await w.fx.runc.state(req.id), undefined)
})
