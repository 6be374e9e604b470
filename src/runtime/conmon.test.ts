import { test } from 'node:test'
import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { awaitPid, createArgs, CreateError, type CreateRequest } from './conmon.js'
import { LineReader, type MonitorProcess } from '../sys/monitor-process.js'

const req: CreateRequest = {
  id: 'c1', name: 'web', bundle: '/run/b/c/c1', runDir: '/run/b/c/c1', logPath: '/var/b/c1/ctr.log',
  terminal: false, stdin: false, leaveStdinOpen: false, exitDir: '/run/b/exits', socketDir: '/run/b/s', runcRoot: '/run/b/runc',
}
const base = [
  '--api-version', '1', '-c', 'c1', '-u', 'c1', '-n', 'web', '-r', '/usr/sbin/runc',
  '--runtime-arg', '--root', '--runtime-arg', '/run/b/runc', '-b', '/run/b/c/c1',
  '-p', '/run/b/c/c1/pidfile', '-P', '/run/b/c/c1/conmon.pid', '-l', 'k8s-file:/var/b/c1/ctr.log',
  '--exit-dir', '/run/b/exits', '--persist-dir', '/run/b/c/c1/persist', '--socket-dir-path', '/run/b/s', '--log-level', 'error',
]

test('createArgs', () => {
  const table: Array<[Partial<CreateRequest>, string[]]> = [
    [{}, base],
    [{ terminal: true }, [...base, '-t']],
    [{ terminal: true, stdin: true }, [...base, '-t']],
    [{ stdin: true }, [...base, '-i']],
    [{ stdin: true, leaveStdinOpen: true }, [...base, '-i', '--leave-stdin-open']],
    [{ leaveStdinOpen: true }, base],
  ]
  for (const [over, want] of table) assert.deepEqual(createArgs({ ...req, ...over }), want)
  assert.equal(createArgs({ ...req, runcBinary: '/x/runc' })[9], '/x/runc')
})

function fakeMonitor(exitCode: number, sync: string, stderr = ''): MonitorProcess {
  const s = new PassThrough()
  s.end(sync)
  return { exited: Promise.resolve(exitCode), stderr: () => stderr, sync: new LineReader(s), release: () => {}, close: () => {} }
}

test('awaitPid returns the pid', async () => {
  assert.equal(await awaitPid(fakeMonitor(0, '{"data": 4242}\n')), 4242)
})

test('awaitPid surfaces runc message', async () => {
  const raw = 'time="2026-12-02T12:00:00Z" level=error msg="runc create failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"\n'
  const line = JSON.stringify({ data: -1, message: raw }) + '\n'
  await assert.rejects(awaitPid(fakeMonitor(0, line)), (e: unknown) => {
    assert.ok(e instanceof CreateError)
    assert.equal(e.message, 'runc create failed: unable to start container process: exec: "nope": executable file not found in $PATH')
    assert.equal(e.raw, raw)
    return true
  })
})

test('awaitPid: conmon failure and missing report', async () => {
  await assert.rejects(awaitPid(fakeMonitor(1, '', 'Unknown option --bogus')), /^CreateError: conmon: Unknown option --bogus$/)
  await assert.rejects(awaitPid(fakeMonitor(0, '')), /without reporting the container pid/)
})
