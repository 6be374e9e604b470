import { test } from 'node:test'
import assert from 'node:assert/strict'
import { directExecArgs, runcLogError } from './exec-direct.js'

test('runc exec argv: its own log to a file, the process spec and pid file from the exec dir', () => {
  const args = directExecArgs({
    containerId: 'c1', execId: 'e1', execDir: '/run/b/e/e1', runcRoot: '/run/b/runc', process: {}, terminal: false, stdin: false, detach: false,
  })
  assert.deepEqual(args, [
    '--root', '/run/b/runc', '--log', '/run/b/e/e1/runc.log', '--log-format', 'json',
    'exec', '--process', '/run/b/e/e1/process.json', '--pid-file', '/run/b/e/e1/exec_pid', 'c1',
  ])
})

test('runcLogError keeps runc’s error messages and nothing else', () => {
  const log = [
    '{"level":"warning","msg":"something minor","time":"x"}',
    '{"level":"error","msg":"exec failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH","time":"x"}',
    'not json',
  ].join('\n')
  assert.equal(runcLogError(log), 'exec failed: unable to start container process: exec: "nope": executable file not found in $PATH')
  assert.equal(runcLogError('{"level":"info","msg":"x"}\n'), undefined)
  assert.equal(runcLogError(''), undefined)
})
