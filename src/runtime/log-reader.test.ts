import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appendFile, mkdtemp, open, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { LineJoiner, parseRecord, parseTime, readLog, tailOffset, type LogEntry } from './log-reader.js'

const T = (s: number) => `2026-11-23T04:22:${String(s).padStart(2, '0')}.145690098+00:00`
const rec = (s: number, stream: string, tag: string, text: string) => `${T(s)} ${stream} ${tag} ${text}\n`

test('parseRecord', () => {
  assert.deepEqual(parseRecord(Buffer.from(`${T(1)} stdout F out 0`)), {
    time: T(1), stream: 'stdout', full: true, text: Buffer.from('out 0'),
  })
  assert.deepEqual(parseRecord(Buffer.from(`${T(1)} stderr P  two spaces`))?.text, Buffer.from(' two spaces'))
  assert.deepEqual(parseRecord(Buffer.from(`${T(1)} stdout F`))?.text, Buffer.alloc(0))
  assert.equal(parseRecord(Buffer.from(`${T(1)} stdin F x`)), undefined)
  assert.equal(parseRecord(Buffer.from('garbage')), undefined)
})

test('parseTime keeps sub-millisecond precision', () => {
  assert.equal(parseTime('1970-01-01T00:00:01.5Z'), 1.5)
  assert.equal(parseTime('1970-01-01T01:00:00.000000001+01:00'), 1e-9)
  assert.ok(Math.abs(parseTime(T(37)) - (Date.parse('2026-11-23T04:22:37Z') / 1000 + 0.145690098)) < 1e-6)
  assert.ok(Number.isNaN(parseTime('yesterday')))
})

test('LineJoiner joins P pieces per stream', () => {
  const j = new LineJoiner()
  const r = (l: string) => parseRecord(Buffer.from(l.slice(0, -1)))!
  assert.equal(j.push(r(rec(1, 'stdout', 'P', 'aa'))), undefined)
  assert.deepEqual(j.push(r(rec(2, 'stderr', 'F', 'err'))), { stream: 'stderr', time: T(2), line: Buffer.from('err\n') })
  assert.deepEqual(j.push(r(rec(3, 'stdout', 'F', 'bb'))), { stream: 'stdout', time: T(1), line: Buffer.from('aabb\n') })
  j.push(r(rec(4, 'stdout', 'P', '$ ')))
  assert.deepEqual(j.flush(), [{ stream: 'stdout', time: T(4), line: Buffer.from('$ ') }])
})

async function withLog(content: string, fn: (path: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-unit-log-'))
  try {
    const path = join(dir, 'ctr.log')
    await writeFile(path, content)
    await fn(path)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}
async function collect(it: AsyncIterable<LogEntry>): Promise<string[]> {
  const out: string[] = []
  for await (const e of it) out.push(`${e.stream}:${e.line.toString()}`)
  return out
}

const sample = [
  rec(1, 'stdout', 'F', 'one'),
  rec(2, 'stderr', 'F', 'two'),
  rec(3, 'stdout', 'P', 'thr'),
  rec(4, 'stdout', 'F', 'ee'),
  rec(5, 'stdout', 'F', 'four'),
].join('')

test('readLog: all, tail, since, until', async () => {
  await withLog(sample, async (p) => {
    assert.deepEqual(await collect(readLog(p, {})), ['stdout:one\n', 'stderr:two\n', 'stdout:three\n', 'stdout:four\n'])
    assert.deepEqual(await collect(readLog(p, { tail: 2 })), ['stdout:three\n', 'stdout:four\n'])
    assert.deepEqual(await collect(readLog(p, { tail: 1 })), ['stdout:four\n'])
    assert.deepEqual(await collect(readLog(p, { tail: 0 })), [])
    assert.deepEqual((await collect(readLog(p, { tail: 10 }))).length, 4)
    const t2 = parseTime(T(2))
    assert.deepEqual(await collect(readLog(p, { since: t2 })), ['stderr:two\n', 'stdout:three\n', 'stdout:four\n'])
    assert.deepEqual(await collect(readLog(p, { until: t2 })), ['stdout:one\n', 'stderr:two\n'])
  })
})

test('tailOffset across block boundaries', async () => {
  const lines = Array.from({ length: 5000 }, (_, i) => rec(i % 60, 'stdout', 'F', `line ${i} ${'x'.repeat(i % 50)}`))
  await withLog(lines.join('') + rec(0, 'stdout', 'P', 'partial') + `${T(0)} stdout F being-writ`, async (p) => {
    const fh = await open(p, 'r')
    const size = (await fh.stat()).size
    // the trailing P run counts as a line; the scan stops at the line end before the tail
    assert.equal(await tailOffset(fh, size, 1000), lines.slice(0, 4001).join('').length)
    assert.equal(await tailOffset(fh, size, 4999), lines.slice(0, 2).join('').length)
    assert.equal(await tailOffset(fh, size, 5000), 0)
    assert.equal(await tailOffset(fh, size, 5001), 0)
    assert.equal(await tailOffset(fh, size, 6000), 0)
    await fh.close()
    const got = await collect(readLog(p, { tail: 3 }))
    assert.deepEqual(got, ['stdout:line 4998 ' + 'x'.repeat(48) + '\n', 'stdout:line 4999 ' + 'x'.repeat(49) + '\n', 'stdout:partial'])
  })
})

test('tail with interleaved streams keeps whole lines', async () => {
  // conmon may write a stdout piece before a stderr line that ends earlier
  const log = rec(1, 'stdout', 'F', 'a') + rec(2, 'stdout', 'P', 'lo') + rec(2, 'stderr', 'F', 'b') +
    rec(2, 'stdout', 'P', 'n') + rec(2, 'stdout', 'F', 'g') + rec(3, 'stdout', 'P', 'partial')
  await withLog(log, async (p) => {
    assert.deepEqual(await collect(readLog(p, { tail: 2 })), ['stdout:long\n', 'stdout:partial'])
    assert.deepEqual(await collect(readLog(p, { tail: 3 })), ['stderr:b\n', 'stdout:long\n', 'stdout:partial'])
    assert.deepEqual(await collect(readLog(p, { tail: 1 })), ['stdout:partial'])
    assert.deepEqual(await collect(readLog(p, { tail: 4 })), ['stdout:a\n', 'stderr:b\n', 'stdout:long\n', 'stdout:partial'])
  })
})

test('readLog follow picks up appended lines and ends when no longer running', async () => {
  await withLog(rec(1, 'stdout', 'F', 'a'), async (p) => {
    let running = true
    const got: string[] = []
    const done = (async () => {
      for await (const e of readLog(p, { follow: true, isRunning: () => running })) got.push(e.line.toString())
    })()
    await new Promise((r) => setTimeout(r, 50))
    await appendFile(p, rec(2, 'stdout', 'P', 'b'))
    await appendFile(p, rec(2, 'stdout', 'F', 'c'))
    await new Promise((r) => setTimeout(r, 50))
    assert.deepEqual(got, ['a\n', 'bc\n'])
    await appendFile(p, rec(3, 'stderr', 'F', 'last'))
    running = false
    await done
    assert.deepEqual(got, ['a\n', 'bc\n', 'last\n'])
  })
})

test('readLog follow ends on abort', async () => {
  await withLog(rec(1, 'stdout', 'F', 'a'), async (p) => {
    const ac = new AbortController()
    const t0 = Date.now()
    setTimeout(() => ac.abort(), 30)
    assert.deepEqual(await collect(readLog(p, { follow: true, signal: ac.signal })), ['stdout:a\n'])
    assert.ok(Date.now() - t0 < 200)
  })
})
