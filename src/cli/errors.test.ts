import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ApiError } from '../client/errors.js'
import { describe as describeError, forEachRef, runExitCode, runStatusError } from './errors.js'
import { StatusError } from './command.js'

test('run exit codes follow docker', () => {
  assert.equal(runExitCode('failed to create task: exec: "nope": executable file not found in $PATH'), 127)
  assert.equal(runExitCode('exec /bin/x: no such file or directory'), 127)
  assert.equal(runExitCode('exec /etc: permission denied'), 126)
  assert.equal(runExitCode('No such image: x:latest'), 125)
})

test('run errors are printed with the berth: prefix and the help hint', () => {
  const e = runStatusError(new ApiError(404, 'No such image: x:latest'))
  assert.equal(e.code, 125)
  assert.equal(e.message, "berth: Error response from daemon: No such image: x:latest\n\nRun 'berth run --help' for more information")
})

test('daemon errors read like docker', () => {
  assert.equal(describeError(new ApiError(404, 'No such container: x')), 'Error response from daemon: No such container: x')
})

test('a 401 from the daemon is an unauthorized error, printed like any other', () => {
  const e = new ApiError(401, 'Get "http://r/v2/": unauthorized: incorrect username or password')
  assert.equal(e.kind, 'unauthorized')
  assert.equal(describeError(e), 'Error response from daemon: Get "http://r/v2/": unauthorized: incorrect username or password')
})

test('forEachRef keeps going and fails with every message', async () => {
  const seen: string[] = []
  await assert.rejects(
    forEachRef(['a', 'b', 'c'], async (r) => {
      if (r !== 'b') throw new ApiError(404, `No such container: ${r}`)
      seen.push(r)
    }),
    (e: unknown) => e instanceof StatusError && e.code === 1 &&
      e.message === 'Error response from daemon: No such container: a\nError response from daemon: No such container: c',
  )
  assert.deepEqual(seen, ['b'])
})
