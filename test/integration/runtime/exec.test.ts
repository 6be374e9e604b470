// Exec through conmon: separate streams, exit codes, TTY, detach, failure to start.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import { createContainer } from '../../../src/runtime/conmon.js'
import { startExec, ExecError, type ExecRequest } from '../../../src/runtime/exec.js'
import { RuntimeFixture, collector, leftoverCgroups } from './fixture.js'

let fx: RuntimeFixture
let ctr: string
let n = 0

before(async () => {
  fx = await RuntimeFixture.create('rt-exec')
  const req = await fx.bundle({ args: ['sleep', '60'] })
  await createContainer(req)
  await fx.runc.start(req.id)
  ctr = req.id
})

after(async () => {
  await fx.runc.kill(ctr, 'KILL').catch(() => {})
  await fx.cleanup()
  assert.deepEqual(await fx.liveMonitors(), [])
  assert.deepEqual(await leftoverCgroups('rt-exec'), [])
})

async function execReq(args: string[], over: Partial<ExecRequest> = {}, process: object = {}): Promise<ExecRequest> {
  const execId = `e${++n}`
  const execDir = join(fx.dir, 'exec', execId)
  await mkdir(execDir, { recursive: true })
  const terminal = over.terminal ?? false
  return {
    containerId: ctr, execId, execDir, runcRoot: fx.runcRoot,
    process: { args, env: ['PATH=/bin'], cwd: '/', user: { uid: 0, gid: 0 }, terminal, ...process },
    terminal, stdin: false, detach: false, ...over,
  }
}

test('exec: separate streams and exit code', async () => {
  const t0 = performance.now()
  const h = await startExec(await execReq(['sh', '-c', 'echo from-exec; echo to-stderr >&2; exit 3']))
  const c = collector()
  h.attach!.on('data', c.onData)
  const closed = new Promise<void>((r) => h.attach!.on('close', r))
  assert.ok(h.pid > 0)
  assert.equal(await h.exited, 3)
  console.log(`timing: exec → exit code ${(performance.now() - t0).toFixed(1)} ms`)
  await closed
  assert.equal(c.stdout(), 'from-exec\n')
  assert.equal(c.stderr(), 'to-stderr\n')
})

test('exec -t: TTY with initial size, output on stdout', async () => {
  const h = await startExec(
    await execReq(['sh', '-c', 'stty size; exit 5'], { terminal: true }, { consoleSize: { height: 20, width: 70 } }),
  )
  const c = collector()
  h.attach!.on('data', c.onData)
  assert.equal(await h.exited, 5)
  await new Promise<void>((r) => h.attach!.on('close', r))
  assert.equal(c.stdout(), '20 70\r\n')
  assert.equal(c.stderr(), '')
})

test('exec -it: stdin through the attach socket, resize', async () => {
  // conmon applies a resize from its ctl fifo and stdin from the attach socket in whichever order
  // its loop takes them: the shell waits (up to ~5 s) for the size rather than racing the two
  const h = await startExec(await execReq(['sh', '-c', 'read x; i=0; until [ "$(stty size)" = "40 120" ] || [ $i -ge 100 ]; do sleep 0.05; i=$((i+1)); done; stty size; echo "got:$x"'], { terminal: true, stdin: true }))
  const c = collector()
  h.attach!.on('data', c.onData)
  await h.resize(40, 120)
  h.attach!.write(Buffer.from('yo\n'))
  assert.equal(await h.exited, 0)
  await new Promise<void>((r) => h.attach!.on('close', r))
  assert.match(c.stdout(), /40 120\r\ngot:yo\r\n/)
})

test('exec -i without TTY: stdin EOF ends cat', async () => {
  const h = await startExec(await execReq(['cat'], { stdin: true }))
  const c = collector()
  h.attach!.on('data', c.onData)
  const closed = new Promise<void>((r) => h.attach!.on('close', r))
  h.attach!.write(Buffer.from('piped\n'))
  h.attach!.end()
  assert.equal(await h.exited, 0)
  await closed // output may arrive after the exit code
  assert.equal(c.stdout(), 'piped\n')
})

test('exec detached: no attach, exit code still reported', async () => {
  const h = await startExec(await execReq(['sh', '-c', 'sleep 0.1; exit 7'], { detach: true }))
  assert.equal(h.attach, undefined)
  assert.ok(h.pid > 0)
  assert.equal(await h.exited, 7)
})

test('exec of a missing binary fails with runc\'s message', async () => {
  await assert.rejects(startExec(await execReq(['nope'])), (e: unknown) => {
    assert.ok(e instanceof ExecError)
    assert.match(e.message, /exec: "nope": executable file not found in \$PATH/)
    return true
  })
})
