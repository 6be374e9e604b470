import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, readFile, readlink, readdir, lstat, rm, stat } from 'node:fs/promises'
import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'

type TarHeader = Parameters<tar.Pack['entry']>[0]
import { unpack } from './unpack.js'
import { sha256 } from './digest.js'

type Entry = TarHeader & { body?: string }

async function tarOf(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack()
  const chunks: Buffer[] = []
  const done = (async () => { for await (const c of pack) chunks.push(c as Buffer) })()
  for (const { body, ...h } of entries) {
    await new Promise<void>((res, rej) => pack.entry(h, body ?? '', (e) => (e ? rej(e) : res())))
  }
  pack.finalize()
  await done
  return Buffer.concat(chunks)
}

async function withDirs(fn: (base: string, root: string) => Promise<void>) {
  const base = await mkdtemp(join(tmpdir(), 'berth-unpack-'))
  const root = join(base, 'root')
  await mkdir(root)
  try {
    await fn(base, root)
  } finally {
    await rm(base, { recursive: true, force: true })
  }
}

const plain = {}

test('unpacks files, dirs, symlinks and hard links; diffId is the tar digest', async () => {
  await withDirs(async (_base, root) => {
    const t = await tarOf([
      { name: './', type: 'directory', mode: 0o755 },
      { name: 'a/', type: 'directory', mode: 0o750, mtime: new Date(1000_000) },
      { name: 'a/f', body: 'hello', mode: 0o640, mtime: new Date(2000_000) },
      { name: 'a/l', type: 'symlink', linkname: '../../../etc/passwd' },
      { name: 'h', type: 'link', linkname: 'a/f' },
      { name: 'deep/er/x', body: 'x' },
    ])
    const r = await unpack(Readable.from([t]), root, plain)
    assert.equal(r.diffId, sha256(t))
    assert.equal(r.tarSize, t.length)
    assert.equal(r.size, 6)
    assert.equal(await readFile(join(root, 'a/f'), 'utf8'), 'hello')
    assert.equal((await stat(join(root, 'a/f'))).mode & 0o7777, 0o640)
    assert.equal((await stat(join(root, 'a'))).mode & 0o7777, 0o750)
    assert.equal((await stat(join(root, 'a'))).mtimeMs, 1000_000)
    assert.equal((await stat(join(root, 'a/f'))).mtimeMs, 2000_000)
    assert.equal(await readlink(join(root, 'a/l')), '../../../etc/passwd')
    assert.equal((await stat(join(root, 'h'))).ino, (await stat(join(root, 'a/f'))).ino)
    assert.equal(await readFile(join(root, 'deep/er/x'), 'utf8'), 'x')
  })
})

test('gzip is detected by magic and the diffId is of the uncompressed stream', async () => {
  await withDirs(async (_base, root) => {
    const t = await tarOf([{ name: 'f', body: 'z' }])
    const r = await unpack(Readable.from([gzipSync(t)]), root, plain)
    assert.equal(r.diffId, sha256(t))
    assert.equal(await readFile(join(root, 'f'), 'utf8'), 'z')
  })
})

test('a damaged zstd layer is refused (storage/decompress.test.ts has the good ones)', async () => {
  await withDirs(async (_base, root) => {
    const zstd = Buffer.from([0x28, 0xb5, 0x2f, 0xfd, 0, 0, 0, 0])
    await assert.rejects(unpack(Readable.from([zstd]), root, plain), /^BerthError: zstd: /)
  })
})

test('absolute names are contained in the root', async () => {
  await withDirs(async (base, root) => {
    await unpack(Readable.from([await tarOf([{ name: '/abs/x', body: '1' }])]), root, plain)
    assert.equal(await readFile(join(root, 'abs/x'), 'utf8'), '1')
    assert.deepEqual(await readdir(base), ['root'])
  })
})

const malicious: Array<[string, Entry[], RegExp]> = [
  ['dot-dot', [{ name: '../x', body: 'evil' }], /escapes the layer root/],
  ['nested dot-dot', [{ name: 'a/../../x', body: 'evil' }], /escapes the layer root/],
  ['absolute dot-dot', [{ name: '/../x', body: 'evil' }], /escapes the layer root/],
  ['symlink parent', [{ name: 'esc', type: 'symlink', linkname: '..' }, { name: 'esc/x', body: 'evil' }], /is a symlink/],
  ['absolute symlink parent', [{ name: 'esc', type: 'symlink', linkname: '/tmp' }, { name: 'esc/x', body: 'evil' }], /is a symlink/],
  ['hard link outside', [{ name: 'h', type: 'link', linkname: '../outside' }], /escapes the layer root/],
  ['hard link through symlink', [{ name: 'esc', type: 'symlink', linkname: '..' }, { name: 'h', type: 'link', linkname: 'esc/outside' }], /not a directory inside the root/],
  ['device in archive mode', [{ name: 'null', type: 'character-device', devmajor: 1, devminor: 3 }], /device nodes are not allowed/],
]

for (const [what, entries, message] of malicious) {
  test(`refuses ${what} and writes nothing outside`, async () => {
    await withDirs(async (base, root) => {
      const outside = join(base, 'outside')
      writeFileSync(outside, 'mine')
      await assert.rejects(unpack(Readable.from([await tarOf(entries)]), root, plain), (e: Error & { kind?: string }) => {
        assert.match(e.message, message)
        assert.equal(e.kind, 'invalid')
        return true
      })
      assert.deepEqual((await readdir(base)).sort(), ['outside', 'root'])
      assert.equal(await readFile(outside, 'utf8'), 'mine')
      await assert.rejects(lstat(join(base, 'x')))
    })
  })
}

test('an existing symlink as final component is replaced, not followed', async () => {
  await withDirs(async (base, root) => {
    const t = await tarOf([
      { name: 'l', type: 'symlink', linkname: '../victim' },
      { name: 'l', body: 'new' },
    ])
    await unpack(Readable.from([t]), root, plain)
    assert.equal(await readFile(join(root, 'l'), 'utf8'), 'new')
    await assert.rejects(lstat(join(base, 'victim')))
  })
})

test('truncated tar is invalid', async () => {
  await withDirs(async (_base, root) => {
    const t = await tarOf([{ name: 'f', body: 'x'.repeat(2000) }])
    await assert.rejects(unpack(Readable.from([t.subarray(0, 1024)]), root, plain), /invalid tar stream/)
  })
})

test('layer mode: owners, devices, whiteouts and opaque dirs go through NodeOps', async () => {
  await withDirs(async (_base, root) => {
    const calls: string[] = []
    const ops = {
      mknod: (p: string, mode: number, dev: bigint | number) => {
        calls.push(`mknod ${p.slice(root.length)} ${mode.toString(8)} ${dev}`)
        writeFileSync(p, '') // stands in for the node
      },
      mkWhiteout: (p: string) => { calls.push(`whiteout ${p.slice(root.length)}`) },
      lchown: (p: string, uid: number, gid: number) => { calls.push(`lchown ${p.slice(root.length)} ${uid}:${gid}`) },
      setXattr: (p: string, name: string, v: Buffer) => { calls.push(`xattr ${p.slice(root.length)} ${name}=${v}`) },
    }
    const t = await tarOf([
      { name: 'd/', type: 'directory', mode: 0o755 },
      { name: 'd/.wh..wh..opq', body: '' },
      { name: 'd/f', body: 'x', uid: 1, gid: 2 },
      { name: 'e/.wh.gone', body: '' },
      { name: 'null', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
    ])
    await unpack(Readable.from([t]), root, { layer: ops })
    assert.deepEqual(calls, [
      'lchown /d 0:0',
      'xattr /d trusted.overlay.opaque=y',
      'lchown /d/f 1:2',
      'whiteout /e/gone',
      `mknod /null 20666 ${(1n << 8n) | 3n}`,
      'lchown /null 0:0',
    ])
    assert.deepEqual((await readdir(root)).sort(), ['d', 'e', 'null'])
  })
})

// docker cp's uses: device nodes through `nodes`, and entries routed onto a single-file mount
test('device nodes and fifos go through `nodes`; without it they are refused', async () => {
  await withDirs(async (_, root) => {
    const made: string[] = []
    const mknod = (path: string, mode: number, dev: bigint | number) => void made.push(`${path.slice(root.length)} ${mode.toString(8)} ${dev}`)
    const entries: Entry[] = [
      { name: 'null2', type: 'character-device', mode: 0o666, devmajor: 1, devminor: 3 },
      { name: 'p', type: 'fifo', mode: 0o600 },
    ]
    await assert.rejects(unpack(Readable.from([await tarOf(entries)]), root, {}), /device nodes are not allowed here/)
    // the fake makes nothing, so the metadata step after it meets a missing file: only the calls matter
    await unpack(Readable.from([await tarOf(entries.slice(0, 1))]), root, { nodes: { mknod } }).catch(() => undefined)
    await unpack(Readable.from([await tarOf(entries.slice(1))]), root, { nodes: { mknod } }).catch(() => undefined)
    assert.deepEqual(made, ['/null2 20666 259', '/p 10600 0'])
  })
})

test('a file landing on a single-file mount rewrites its content in the same inode; anything else is refused', async () => {
  await withDirs(async (base, root) => {
    const file = join(base, 'mounted')
    writeFileSync(file, 'old\n')
    const ino = (await stat(file)).ino
    const route = (parts: readonly string[]) =>
      parts[0] === 'greeting' ? { root: file, parts: parts.slice(1), isFile: true } : { root, parts: [...parts] }
    const describe = (parts: readonly string[]) => `/etc/${parts.join('/')}`
    await unpack(Readable.from([await tarOf([{ name: 'greeting', body: 'new content\n', mode: 0o640 }, { name: 'other', body: 'o' }])]), root, { route, describe })
    assert.equal(await readFile(file, 'utf8'), 'new content\n')
    assert.equal((await stat(file)).ino, ino)
    assert.equal((await stat(file)).mode & 0o7777, 0o640)
    assert.equal(await readFile(join(root, 'other'), 'utf8'), 'o')
    for (const entries of [[{ name: 'greeting/', type: 'directory' as const }], [{ name: 'greeting', type: 'symlink' as const, linkname: '/x' }], [{ name: 'greeting/x', body: 'x' }]]) {
      await assert.rejects(unpack(Readable.from([await tarOf(entries)]), root, { route, describe }),
        (e: Error & { kind?: string }) => e.kind === 'invalid' && /^cannot overwrite "\/etc\/greeting.*it is a single-file mount/.test(e.message))
    }
    assert.equal(await readFile(file, 'utf8'), 'new content\n')
  })
})
