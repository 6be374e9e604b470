// The k8s-file log conmon writes, read back: all, tail, since/until, follow.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { createContainer } from '../../../src/runtime/conmon.js'
import { readLog, parseTime, type LogEntry } from '../../../src/runtime/log-reader.js'
import { useRuntimeWorld, until } from './fixture.js'

const w = useRuntimeWorld('rt-logs')

const show = (e: LogEntry) => `${e.stream}:${e.line.toString()}`
async function all(it: AsyncIterable<LogEntry>): Promise<LogEntry[]> {
  const out: LogEntry[] = []
  for await (const e of it) out.push(e)
  return out
}

test('log of an exited container: all, tail, since, until', async () => {
  const long = 'y'.repeat(20000) // longer than conmon's 8 KiB records: P pieces joined
  const req = await w.fx.bundle({ args: ['sh', '-c', `echo a; sleep 0.2; echo b >&2; echo ${long}; printf partial`] })
  await createContainer(req)
  await w.fx.runc.start(req.id)
  await until(() => w.exits.get(req.id), 'exit')
  const got = await all(readLog(req.logPath, {}))
  assert.deepEqual(got.map(show), ['stdout:a\n', 'stderr:b\n', `stdout:${long}\n`, 'stdout:partial'])
  assert.deepEqual((await all(readLog(req.logPath, { tail: 2 }))).map(show), [`stdout:${long}\n`, 'stdout:partial'])
  const tb = parseTime(got[1]!.time)
  assert.ok(tb - parseTime(got[0]!.time) >= 0.2)
  assert.deepEqual((await all(readLog(req.logPath, { since: tb }))).map(show).slice(0, 1), ['stderr:b\n'])
  assert.deepEqual((await all(readLog(req.logPath, { until: tb - 0.1 }))).map(show), ['stdout:a\n'])
  await w.fx.runc.delete(req.id)
})

test('follow streams new lines and ends when the container stops', async () => {
  const req = await w.fx.bundle({ args: ['sh', '-c', 'for i in 1 2 3; do echo line$i; sleep 0.15; done'] })
  await createContainer(req)
  await w.fx.runc.start(req.id)
  const seen: Array<[string, number]> = []
  const t0 = Date.now()
  for await (const e of readLog(req.logPath, { follow: true, isRunning: () => !w.exits.has(req.id) })) {
    seen.push([e.line.toString(), Date.now() - t0])
  }
  assert.deepEqual(seen.map((s) => s[0]), ['line1\n', 'line2\n', 'line3\n'])
  assert.ok(seen[2]![1] - seen[0]![1] >= 250, `lines arrived as written: ${JSON.stringify(seen)}`)
  await w.fx.runc.delete(req.id)
})
