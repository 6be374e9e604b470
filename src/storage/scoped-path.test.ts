import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, mkdirSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs'
import { join } from 'node:path'
import { tmpdir } from 'node:os'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { openInScope, procPath, readLinkInScope, resolveInScope, type Scope } from './scoped-path.js'
import { packScoped } from './scoped-pack.js'
import { unpack } from './unpack.js'

let base: string
let root: string
let outside: string
let vol: string

before(() => {
  base = mkdtempSync(join(tmpdir(), 'scoped-'))
  root = join(base, 'root')
  outside = join(base, 'outside')
  vol = join(base, 'vol')
  for (const d of [root, outside, vol, join(root, 'etc'), join(root, 'dir'), join(root, 'data'), join(root, 'run')]) mkdirSync(d)
  writeFileSync(join(root, 'etc/passwd'), 'inside\n')
  writeFileSync(join(outside, 'passwd'), 'HOST\n')
  writeFileSync(join(vol, 'v'), 'volume\n')
  symlinkSync('/etc', join(root, 'link-abs'))
  symlinkSync('../../../../../etc', join(root, 'link-up'))
  symlinkSync(outside, join(root, 'link-host')) // absolute host path: means root + that path
  symlinkSync('loop2', join(root, 'loop1'))
  symlinkSync('loop1', join(root, 'loop2'))
  symlinkSync('/etc/passwd', join(vol, 'abs')) // inside a volume, still the container's /etc
})
after(() => rmSync(base, { recursive: true, force: true }))

const scope = (): Scope => ({ root, mounts: [{ destination: '/data', source: vol, readOnly: false }, { destination: '/run/tmp', readOnly: false }] })

async function read(path: string, followLast = true): Promise<{ inside: string; text: string }> {
  const e = await openInScope(scope(), path, { followLast })
  try {
    return { inside: e.inside, text: readFileSync(procPath(e.fh.fd), 'utf8') }
  } finally {
    await e.fh.close()
  }
}

test('.. never climbs above the root', async () => {
  assert.deepEqual(await read('../../../../etc/passwd'), { inside: '/etc/passwd', text: 'inside\n' })
  assert.deepEqual(await read('/dir/../../etc/./passwd'), { inside: '/etc/passwd', text: 'inside\n' })
})

test('absolute and climbing symlinks resolve from the container root', async () => {
  assert.deepEqual(await read('/link-abs/passwd'), { inside: '/etc/passwd', text: 'inside\n' })
  assert.deepEqual(await read('/link-up/passwd'), { inside: '/etc/passwd', text: 'inside\n' })
})

test('a link to a host path names that path inside the root, never the host', async () => {
  const r = await resolveInScope(scope(), '/link-host/passwd', { followLast: true })
  assert.ok('missing' in r)
  assert.equal(r.missing, `${outside}/passwd`)
  await assert.rejects(openInScope(scope(), '/link-host/passwd', { followLast: true }), { name: 'BerthError', message: /no such file/ })
})

test('symlink loops fail instead of spinning', async () => {
  await assert.rejects(openInScope(scope(), '/loop1/x', { followLast: true }), { message: /too many levels of symbolic links/ })
  await assert.rejects(openInScope(scope(), '/loop1', { followLast: true }), { message: /too many levels/ })
})

test('the last component is not followed unless asked', async () => {
  const e = await openInScope(scope(), '/link-abs', { followLast: false })
  assert.equal(e.st.isSymbolicLink(), true)
  await e.fh.close()
  assert.equal(await readLinkInScope(scope(), '/link-abs'), '/etc')
})

test('a file in the middle of a path is not a directory', async () => {
  await assert.rejects(openInScope(scope(), '/etc/passwd/x', { followLast: true }), { message: /not a directory/ })
})

test('mounts: paths below a destination reach its source; links in it resolve in the container', async () => {
  assert.deepEqual(await read('/data/v'), { inside: '/data/v', text: 'volume\n' })
  assert.deepEqual(await read('/data/abs'), { inside: '/etc/passwd', text: 'inside\n' })
  assert.deepEqual(await read('/data/../etc/passwd'), { inside: '/etc/passwd', text: 'inside\n' })
  await assert.rejects(openInScope(scope(), '/run/tmp/x', { followLast: true }), { message: /tmpfs mount of a running container/ })
})

test('an entry held open stays the same when its path is swapped for a link to the host', async () => {
  mkdirSync(join(root, 'swap'))
  writeFileSync(join(root, 'swap/f'), 'original\n')
  const e = await openInScope(scope(), '/swap', { followLast: true })
  renameSync(join(root, 'swap'), join(root, 'swapped'))
  symlinkSync(outside, join(root, 'swap'))
  const names: string[] = []
  const contents: string[] = []
  const extract = tar.extract()
  extract.on('entry', (h, s, next) => {
    names.push(h.name)
    let t = ''
    s.on('data', (d: unknown) => (t += String(d)))
    s.on('end', () => { if (h.type === 'file') contents.push(t); next() })
  })
  packScoped(scope(), e, 'swap', { xattrs: { getXattr: () => undefined } }).pipe(extract)
  await new Promise<void>((r, j) => { extract.on('finish', () => r()); extract.on('error', j) })
  assert.deepEqual(names, ['swap/', 'swap/f'])
  assert.deepEqual(contents, ['original\n'])
})

function tarOf(entries: Array<{ name: string; body?: string; type?: 'file' | 'directory' | 'symlink'; linkname?: string }>): Readable {
  const p = tar.pack()
  for (const e of entries) p.entry({ name: e.name, type: e.type ?? 'file', linkname: e.linkname, mode: 0o644 }, e.body ?? '')
  p.finalize()
  return p as unknown as Readable
}

test('extracting never writes through a symlink in the tree, even one pointing at the host', async () => {
  const dest = await openInScope(scope(), '/', { followLast: true })
  try {
    await assert.rejects(
      unpack(tarOf([{ name: 'link-host/evil', body: 'x' }]), `${procPath(dest.fh.fd)}/.`, { pinned: true }),
      { message: /not a directory inside the root/ },
    )
    await assert.rejects(
      unpack(tarOf([{ name: 'sneaky', type: 'symlink', linkname: outside }, { name: 'sneaky/evil', body: 'x' }]), `${procPath(dest.fh.fd)}/.`, { pinned: true }),
      { message: /not a directory inside the root/ },
    )
  } finally {
    await dest.fh.close()
  }
  assert.equal(existsSync(join(outside, 'evil')), false)
  // through the resolved link the same write lands inside the root
  const inner = await openInScope(scope(), '/link-abs', { followLast: true })
  try {
    await unpack(tarOf([{ name: 'new', body: 'ok' }]), `${procPath(inner.fh.fd)}/.`, { pinned: true, noOverwriteDirNonDir: true })
  } finally {
    await inner.fh.close()
  }
  assert.equal(readFileSync(join(root, 'etc/new'), 'utf8'), 'ok')
})

test('noOverwriteDirNonDir refuses to replace a directory with a file', async () => {
  const dest = await openInScope(scope(), '/', { followLast: true })
  try {
    await assert.rejects(
      unpack(tarOf([{ name: 'dir', body: 'x' }]), `${procPath(dest.fh.fd)}/.`, { pinned: true, noOverwriteDirNonDir: true, describe: (p) => `/${p.join('/')}` }),
      { message: 'cannot overwrite directory "/dir" with non-directory "dir"' },
    )
  } finally {
    await dest.fh.close()
  }
})

test('a file mount is a file: a path below it is not a directory', async () => {
  const file = join(base, 'hosts')
  writeFileSync(file, 'hosts\n')
  const s: Scope = { root, mounts: [{ destination: '/etc/hosts', source: file, readOnly: false }] }
  const e = await openInScope(s, '/link-abs/hosts', { followLast: true })
  assert.equal(readFileSync(procPath(e.fh.fd), 'utf8'), 'hosts\n')
  await e.fh.close()
  await assert.rejects(openInScope(s, '/etc/hosts/x', { followLast: true }), { message: '/etc/hosts: not a directory' })
})
