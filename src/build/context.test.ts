import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { dockerfileParam, receiveContext } from './context.js'

let base: string
let tmp: string
let sentinel: string

type Entry = Parameters<tar.Pack['entry']>[0] & { body?: string }

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack()
  for (const { body, ...h } of entries) pack.entry(h, body ?? '')
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** A ustar header claiming `size` bytes (base-256 when it does not fit in octal), with no data after it. */
function lyingHeader(name: string, size: bigint): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0)
  h.write('0000644\0', 100)
  h.write('0000000\0', 108)
  h.write('0000000\0', 116)
  h[124] = 0x80
  for (let i = 0; i < 11; i++) h[135 - i] = Number((size >> BigInt(8 * i)) & 0xffn)
  h.write('00000000000\0', 136)
  h.write('0', 156)
  h.write('ustar\x0000', 257)
  h.fill(0x20, 148, 156)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  return h
}

const body = (b: Buffer) => Readable.from([b])
const leftovers = async () => (await readdir(tmp)).filter((n) => n.startsWith('build-context-'))

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-ctx-'))
  tmp = join(base, 'tmp')
  sentinel = join(base, 'sentinel')
  await mkdir(sentinel)
  await writeFile(join(sentinel, 'keep'), 'untouched')
})
after(async () => rm(base, { recursive: true, force: true }))

async function assertSentinelIntact(): Promise<void> {
  assert.deepEqual(await readdir(sentinel), ['keep'])
  assert.equal(await readFile(join(sentinel, 'keep'), 'utf8'), 'untouched')
  assert.deepEqual(await leftovers(), [])
}

test('a plain tar: files, modes, symlinks; the Dockerfile is read', async () => {
  const ctx = await receiveContext(body(await tarOf([
    { name: 'Dockerfile', body: 'FROM busybox\nCOPY . /app\n' },
    { name: 'src', type: 'directory', mode: 0o755 },
    { name: 'src/run.sh', body: '#!/bin/sh\n', mode: 0o755 },
    { name: 'link', type: 'symlink', linkname: 'src/run.sh' },
  ])), { tmpDir: tmp })
  try {
    assert.equal(ctx.dockerfile, 'FROM busybox\nCOPY . /app\n')
    assert.equal(ctx.dockerfilePath, 'Dockerfile')
    assert.ok(ctx.dir.startsWith(`${tmp}/build-context-`))
    assert.equal((await lstat(join(ctx.dir, 'src/run.sh'))).mode & 0o777, 0o755)
    assert.equal(await readlink(join(ctx.dir, 'link')), 'src/run.sh')
  } finally {
    await ctx.cleanup()
    await ctx.cleanup()
  }
  assert.deepEqual(await leftovers(), [])
})

test('a gzip body, a Dockerfile elsewhere, the lowercase fallback', async () => {
  const gz = gzipSync(await tarOf([{ name: 'sub/Dockerfile.dev', body: 'FROM a' }, { name: 'dockerfile', body: 'FROM b' }]))
  const a = await receiveContext(body(gz), { tmpDir: tmp, dockerfile: 'sub/Dockerfile.dev' })
  assert.equal(a.dockerfile, 'FROM a')
  await a.cleanup()
  const b = await receiveContext(body(gz), { tmpDir: tmp })
  assert.equal(b.dockerfilePath, 'dockerfile')
  assert.equal(b.dockerfile, 'FROM b')
  await b.cleanup()
  await assert.rejects(receiveContext(body(gz), { tmpDir: tmp, dockerfile: 'nope' }), { message: 'Cannot locate specified Dockerfile: nope' })
  await assertSentinelIntact()
})

test('the Dockerfile path must stay inside the context', async () => {
  assert.equal(dockerfileParam(undefined), 'Dockerfile')
  assert.equal(dockerfileParam('./a/../b/Dockerfile'), 'b/Dockerfile')
  assert.throws(() => dockerfileParam('../Dockerfile'), { message: 'forbidden path outside the build context: ../Dockerfile ()' })
  const t = await tarOf([{ name: 'Dockerfile', body: 'FROM a' }, { name: 'out', type: 'symlink', linkname: '../../sentinel/keep' }])
  await assert.rejects(receiveContext(body(t), { tmpDir: tmp, dockerfile: '../../sentinel/keep' }), { message: /forbidden path outside the build context/ })
  // A symlinked Dockerfile pointing out resolves inside the context (where nothing is): not found.
  await assert.rejects(receiveContext(body(t), { tmpDir: tmp, dockerfile: 'out' }), { message: 'Cannot locate specified Dockerfile: out' })
  await assertSentinelIntact()
})

test('.dockerignore is applied; Dockerfile and .dockerignore go only when they match', async () => {
  const ctx = await receiveContext(body(await tarOf([
    { name: 'Dockerfile', body: 'FROM a' },
    { name: '.dockerignore', body: '*.log\nbuild\n!build/keep.txt\n.dockerignore\n' },
    { name: 'app.log', body: 'x' },
    { name: 'main.c', body: 'x' },
    { name: 'build/out.o', body: 'x' },
    { name: 'build/keep.txt', body: 'x' },
  ])), { tmpDir: tmp })
  try {
    const names = (await readdir(ctx.dir, { recursive: true })).sort()
    assert.deepEqual(names, ['Dockerfile', 'build', 'build/keep.txt', 'main.c'])
    assert.deepEqual(ctx.ignore, ['*.log', 'build', '!build/keep.txt', '.dockerignore'])
    assert.equal(ctx.dockerfile, 'FROM a')
  } finally {
    await ctx.cleanup()
  }
  const all = await receiveContext(body(await tarOf([{ name: 'Dockerfile', body: 'FROM a' }, { name: '.dockerignore', body: '*\n' }])), { tmpDir: tmp })
  assert.equal(all.dockerfile, 'FROM a')
  assert.deepEqual(await readdir(all.dir), [])
  await all.cleanup()
})

test('bad input: ../ names, writes through an absolute symlink, hard links out, device nodes', async () => {
  const cases: Array<[string, Entry[], RegExp]> = [
    ['../ path', [{ name: '../../sentinel/evil', body: 'x' }], /path escapes/],
    ['absolute symlink then a write through it', [
      { name: 'out', type: 'symlink', linkname: sentinel },
      { name: 'out/evil', body: 'x' },
    ], /parent "out" is a symlink/],
    ['relative symlink out then a write through it', [
      { name: 'up', type: 'symlink', linkname: '../../sentinel' },
      { name: 'up/evil', body: 'x' },
    ], /is a symlink/],
    ['hard link to outside', [{ name: 'hl', type: 'link', linkname: '../../sentinel/keep' }], /path escapes/],
    ['hard link to an absolute host path', [{ name: 'hl', type: 'link', linkname: join(sentinel, 'keep') }], /hard link target .* not found|not a directory inside the root/],
    ['character device', [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], /device nodes are not allowed/],
    ['fifo', [{ name: 'p', type: 'fifo' }], /device nodes are not allowed/],
  ]
  for (const [what, entries, message] of cases) {
    await assert.rejects(receiveContext(body(await tarOf([{ name: 'Dockerfile', body: 'FROM a' }, ...entries])), { tmpDir: tmp }), (e: Error & { kind?: string }) => {
      assert.equal(e.kind, 'invalid', `${what}: ${e.message}`)
      assert.match(e.message, message, what)
      return true
    })
    await assertSentinelIntact()
  }
})

test('bad input: a header claiming 10 GB with no data fails at once and writes nothing', async () => {
  const t0 = Date.now()
  const lie = Buffer.concat([await tarOf([{ name: 'Dockerfile', body: 'FROM a' }]).then((b) => b.subarray(0, 1024)), lyingHeader('big', 10n * 1024n ** 3n)])
  await assert.rejects(receiveContext(body(lie), { tmpDir: tmp }), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'invalid', e.message)
    assert.match(e.message, /invalid tar stream|unexpected end/i)
    return true
  })
  assert.ok(Date.now() - t0 < 5000)
  await assertSentinelIntact()
})

test('bad input: a context over the size limit is refused while streaming', async () => {
  const big = await tarOf([{ name: 'Dockerfile', body: 'FROM a' }, { name: 'blob', body: 'x'.repeat(200_000) }])
  await assert.rejects(receiveContext(body(gzipSync(big)), { tmpDir: tmp, maxBytes: 100_000 }), { message: 'build context is larger than the limit of 100000 bytes' })
  await assertSentinelIntact()
})

test('bad input: not a tar, an empty body, a truncated gzip', async () => {
  await assert.rejects(receiveContext(body(Buffer.from('FROM busybox\n'.repeat(100))), { tmpDir: tmp }), (e: Error & { kind?: string }) => e.kind === 'invalid')
  await assert.rejects(receiveContext(Readable.from([]), { tmpDir: tmp }), { message: 'Cannot locate specified Dockerfile: Dockerfile' })
  const gz = gzipSync(await tarOf([{ name: 'Dockerfile', body: 'FROM a' }, { name: 'f', body: 'y'.repeat(50_000) }]))
  await assert.rejects(receiveContext(body(gz.subarray(0, gz.length - 200)), { tmpDir: tmp }), (e: Error & { kind?: string }) => e.kind === 'invalid')
  await assertSentinelIntact()
})

test('remote contexts are refused clearly', async () => {
  await assert.rejects(receiveContext(Readable.from([]), { tmpDir: tmp, remote: 'https://github.com/x/y.git' }), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'not-implemented')
    assert.match(e.message, /remote build contexts are not supported/)
    return true
  })
  await assertSentinelIntact()
})
