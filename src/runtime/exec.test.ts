import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execArgs, type ExecRequest } from './exec.js'

const req: ExecRequest = {
  containerId: 'c1', execId: 'e1', execDir: '/run/b/x/e1', runcRoot: '/run/b/runc', process: {},
  terminal: false, stdin: false, detach: false,
}
const head = [
  '--api-version', '1', '-c', 'c1', '-u', 'e1', '-n', 'c1', '-r', '/usr/sbin/runc',
  '--runtime-arg', '--root', '--runtime-arg', '/run/b/runc', '-b', '/run/b/x/e1', '-p', '/run/b/x/e1/exec_pid',
  '-l', 'none', '--exit-dir', '/run/b/x/e1/exit', '--persist-dir', '/run/b/x/e1/persist', '--full-attach',
  '--socket-dir-path', '/run/b/x/e1', '--log-level', 'error', '-e',
]
const spec = ['--exec-process-spec', '/run/b/x/e1/process.json']

test('execArgs', () => {
  const table: Array<[Partial<ExecRequest>, string[]]> = [
    [{}, [...head, '--exec-attach', ...spec]],
    [{ terminal: true }, [...head, '--exec-attach', ...spec, '-t']],
    [{ stdin: true }, [...head, '--exec-attach', ...spec, '-i']],
    [{ terminal: true, stdin: true }, [...head, '--exec-attach', ...spec, '-t', '-i']],
    [{ detach: true }, [...head, ...spec]],
    [{ detach: true, stdin: true }, [...head, ...spec]],
  ]
  for (const [over, want] of table) assert.deepEqual(execArgs({ ...req, ...over }), want)
})
