// Builds that must fail, and fail cleanly: Docker's message and exit code, no container left,
// and for hostile context archives (sent through the API by hand) nothing read from or written
// to the host outside the engine's root.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import tar from 'tar-stream'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
let work: string
let sentinel: string
before(async () => {
  d = await startDaemon('build-bad')
  d.env.DOCKER_BUILDKIT = '0'
  work = mkdtempSync('/tmp/berth-build-bad-')
  sentinel = mkdtempSync('/tmp/berth-build-sentinel-')
  writeFileSync(join(sentinel, 'secret'), 'host secret\n')
})
after(async () => {
  rmSync(work, { recursive: true, force: true })
  rmSync(sentinel, { recursive: true, force: true })
  await d.cleanup()
})

function context(name: string, files: Record<string, string>): string {
  const dir = join(work, name)
  mkdirSync(dir, { recursive: true })
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text)
  return dir
}

const noContainers = () => assert.equal(d.berth(['ps', '-aq']).stdout.trim(), '', 'no build container is left')

/** Fails through both CLIs; `kept` build containers each (a failed RUN's, as Docker keeps it without --force-rm) are checked and removed. */
function fails(args: string[], code: number, message: RegExp, kept = 0) {
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](args, { timeoutMs: 120_000 })
    assert.equal(r.code, code, `${cli} ${args.join(' ')}: ${r.stdout}\n${r.stderr}`)
    assert.match(r.stderr, message, `${cli} stderr`)
  }
  const left = d.berth(['ps', '-aq', '--filter', 'status=exited']).stdout.trim().split('\n').filter(Boolean)
  assert.equal(left.length, 2 * kept, `${kept} exited build container(s) per CLI`)
  if (left.length) d.berth(['rm', ...left])
  noContainers()
}

test('an unknown instruction names its line; exit 1', () => {
  const dir = context('unknown', { Dockerfile: 'FROM busybox\nRUN true\nFOO bar\n' })
  fails(['build', dir], 1, /line 3: unknown instruction: FOO/i)
})

test('a failing RUN: Docker text, the command exit code; its container stays unless --force-rm', () => {
  fails(['build', context('false', { Dockerfile: 'FROM busybox\nRUN false\n' })], 1, /The command '\/bin\/sh -c false' returned a non-zero code: 1/, 1)
  fails(['build', '--force-rm', context('exit3', { Dockerfile: 'FROM busybox\nRUN echo out && exit 3\n' })], 3, /returned a non-zero code: 3/)
})

test('COPY of a missing file and of a path outside the context', () => {
  fails(['build', context('missing', { Dockerfile: 'FROM busybox\nCOPY nothere /x\n' })], 1, /nothere/)
  fails(['build', context('outside', { Dockerfile: 'FROM busybox\nCOPY ../outside /x\n' })], 1, /outside the build context|nothere|not found|no source files/i)
})

test('--target of an unknown stage', () => {
  fails(['build', '--target', 'nope', context('target', { Dockerfile: 'FROM busybox AS a\nRUN true\n' })], 1, /failed to reach build target nope in Dockerfile/)
})

test('a platform other than the host is refused', () => {
  fails(['build', '--platform', 'linux/s390x', context('platform', { Dockerfile: 'FROM busybox\n' })], 1, /linux\/s390x/)
  fails(['build', context('from-platform', { Dockerfile: 'FROM --platform=linux/s390x busybox\n' })], 1, /linux\/s390x/)
})

/** POST /build with a hand-made tar; the answer's status and body. */
type EntryHeader = Parameters<tar.Pack['entry']>[0]

async function postContext(entries: Array<{ header: EntryHeader; body?: string }>, tag: string): Promise<{ status: number; text: string }> {
  const pack = tar.pack()
  for (const e of entries) pack.entry(e.header, e.body ?? '')
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  const body = Buffer.concat(chunks)
  return new Promise((resolve, reject) => {
    const req = request(
      { socketPath: d.socket, path: `/v1.47/build?t=${tag}`, method: 'POST', headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length } },
      (res) => {
        let text = ''
        res.on('data', (c) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }))
      },
    )
    req.on('error', reject)
    req.end(body)
  })
}

const failed = (r: { status: number; text: string }) => r.status >= 400 || /"error"/.test(r.text)
const dockerfile = (text: string) => ({ header: { name: 'Dockerfile', size: Buffer.byteLength(text), mode: 0o644 }, body: text })

test('hostile context tars are refused or contained; nothing outside the engine root is touched', async () => {
  const escape = join('/tmp', `berth-build-escape-${process.pid}`)
  const climb = `${'../'.repeat(12)}${escape.slice(1)}`
  const dotdot = await postContext([dockerfile('FROM busybox\n'), { header: { name: climb, size: 3, mode: 0o644 }, body: 'no\n' }], 'hostile-dotdot')
  assert.equal(dotdot.status, 400, dotdot.text)
  assert.match(dotdot.text, /path escapes the layer root/)
  assert.equal(existsSync(escape), false, 'a ../ entry wrote outside the engine root')

  // an absolute symlink in the context resolves inside the context (or is refused), never on the host
  const link = await postContext(
    [dockerfile('FROM busybox\nCOPY link/secret /x\n'), { header: { name: 'link', type: 'symlink', linkname: sentinel, mode: 0o777 } }],
    'hostile-symlink',
  )
  assert.ok(failed(link) || !d.berth(['run', '--rm', 'hostile-symlink', 'cat', '/x']).stdout.includes('host secret'), link.text)
  assert.match(link.text, /file not found in build context/)

  // a hard link naming a host file
  const hard = await postContext(
    [dockerfile('FROM busybox\nCOPY hl /x\n'), { header: { name: 'hl', type: 'link', linkname: join(sentinel, 'secret') } }],
    'hostile-hardlink',
  )
  assert.ok(failed(hard) || !d.berth(['run', '--rm', 'hostile-hardlink', 'cat', '/x']).stdout.includes('host secret'), hard.text)

  // a device node
  const dev = await postContext(
    [dockerfile('FROM busybox\nCOPY null /x\n'), { header: { name: 'null', type: 'character-device', devmajor: 1, devminor: 3, mode: 0o666 } }],
    'hostile-device',
  )
  assert.equal(dev.status, 400, dev.text)
  assert.match(dev.text, /device nodes are not allowed/)
  assert.equal(existsSync(escape), false)
  noContainers()
  // no context directory is left in the engine's tmp dir
  const tmp = join(d.dataRoot, 'tmp')
  const left = existsSync(tmp) ? (await import('node:fs')).readdirSync(tmp).filter((n) => n.startsWith('build') || n.startsWith('context')) : []
  assert.deepEqual(left, [])
})

/** Sends a build and hangs up as soon as the output contains `marker`. */
async function buildAndHangUp(dockerfileText: string, marker: string): Promise<void> {
  const pack = tar.pack()
  pack.entry({ name: 'Dockerfile', size: Buffer.byteLength(dockerfileText), mode: 0o644 }, dockerfileText)
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  const body = Buffer.concat(chunks)
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`never saw ${marker}`)), 30_000)
    const req = request({ socketPath: d.socket, path: '/v1.47/build', method: 'POST', headers: { 'Content-Type': 'application/x-tar', 'Content-Length': body.length } }, (res) => {
      res.on('data', (c: Buffer) => {
        if (!c.toString().includes(marker)) return
        clearTimeout(timer)
        req.destroy()
        resolve()
      })
    })
    req.on('error', () => undefined)
    req.end(body)
  })
  const t0 = Date.now()
  while (d.berth(['ps', '-aq']).stdout.trim() !== '' && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 100))
  noContainers()
}

test('a client that goes away mid-RUN, or before its container starts: the build stops, the container goes', async () => {
  // the quotes keep the marker out of the echoed step line
  await buildAndHangUp('FROM busybox\nRUN echo "st""arted" && sleep 60\n', 'started')
  await buildAndHangUp('FROM busybox\nRUN sleep 60\n', 'Step 2/2')
})
