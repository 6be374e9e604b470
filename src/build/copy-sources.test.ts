import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { archiveKind, normalizeDest, parseChmod, planCopy, resolveChown, resolveSources, type CopySource } from './copy-sources.js'
import { globToRegExp, hasWildcards } from './glob.js'

let base: string
let ctx: string

async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const pack = tar.pack()
  for (const [name, body] of Object.entries(files)) pack.entry({ name }, body)
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-copysrc-'))
  ctx = join(base, 'ctx')
  await mkdir(join(ctx, 'dir/sub'), { recursive: true })
  await writeFile(join(ctx, 'a.txt'), 'a')
  await writeFile(join(ctx, 'b.txt'), 'b')
  await writeFile(join(ctx, 'c.md'), 'c')
  await writeFile(join(ctx, 'dir/d.txt'), 'd')
  await writeFile(join(ctx, 'dir/sub/e.txt'), 'e')
  await writeFile(join(ctx, 'ignored.txt'), 'i')
  await writeFile(join(base, 'secret'), 'outside')
  await symlink('/a.txt', join(ctx, 'abs-link'))
  await symlink('../../../secret', join(ctx, 'escape-link'))
  await symlink('dir', join(ctx, 'dir-link'))
  await writeFile(join(ctx, 'app.tar'), await tarOf({ 'x.txt': 'x' }))
  await writeFile(join(ctx, 'app.tgz.bin'), gzipSync(await tarOf({ 'y.txt': 'y' })))
  await writeFile(join(ctx, 'notatar.gz'), gzipSync(Buffer.from('just text')))
})
after(async () => rm(base, { recursive: true, force: true }))

const opts = (keyword: 'COPY' | 'ADD' = 'COPY') => ({ root: ctx, keyword, isExcluded: (p: string) => p === 'ignored.txt' })
const rels = (s: CopySource[]) => s.map((x) => x.rel)

test('Go filepath.Match globs', () => {
  const m = (p: string, s: string) => globToRegExp(p)?.test(s) ?? false
  assert.equal(m('*.txt', 'a.txt'), true)
  assert.equal(m('*.txt', 'dir/d.txt'), false)
  assert.equal(m('*/*.txt', 'dir/d.txt'), true)
  assert.equal(m('?.txt', 'a.txt'), true)
  assert.equal(m('?.txt', 'ab.txt'), false)
  assert.equal(m('[ab].txt', 'b.txt'), true)
  assert.equal(m('[^ab].txt', 'c.txt'), true)
  assert.equal(m('[^ab].txt', 'a.txt'), false)
  assert.equal(m('[a-c].md', 'c.md'), true)
  assert.equal(m('\\*.txt', '*.txt'), true)
  // The Dockerfile reference's COPY examples: hom*, hom?.txt, arr[[]0].txt.
  assert.equal(m('hom*', 'home.txt'), true)
  assert.equal(m('hom?.txt', 'home.txt'), true)
  assert.equal(m('arr[[]0].txt', 'arr[0].txt'), true)
  assert.equal(globToRegExp('[a'), undefined)
  assert.equal(globToRegExp('[]a]'), undefined)
  assert.equal(hasWildcards('a\\*b'), false)
  assert.equal(hasWildcards('a[bc]'), true)
})

test('plain, directory and glob sources; a leading / or ./ is ignored', async () => {
  assert.deepEqual(rels(await resolveSources(['a.txt', '/b.txt', './dir'], opts())), ['a.txt', 'b.txt', 'dir'])
  assert.deepEqual(rels(await resolveSources(['*.txt'], opts())), ['a.txt', 'b.txt'])
  assert.deepEqual(rels(await resolveSources(['dir/*'], opts())), ['dir/d.txt', 'dir/sub'])
  assert.deepEqual(rels(await resolveSources(['*/*.txt'], opts())), ['dir/d.txt'])
  const [root] = await resolveSources(['.'], opts())
  assert.equal(root!.rel, '.')
  assert.equal(root!.isDir, true)
  assert.equal(root!.abs, ctx)
})

test('Docker\'s messages for missing, excluded and no sources', async () => {
  await assert.rejects(resolveSources(['missing.txt'], opts()), {
    message: 'COPY failed: file not found in build context or excluded by .dockerignore: stat missing.txt: file does not exist',
  })
  await assert.rejects(resolveSources(['ignored.txt'], opts()), { message: /excluded by \.dockerignore: stat ignored.txt/ })
  await assert.rejects(resolveSources(['*.nothing'], opts()), { message: 'COPY failed: no source files were specified' })
  await assert.rejects(resolveSources(['ignored.*'], opts()), { message: 'COPY failed: no source files were specified' })
  await assert.rejects(resolveSources(['missing'], { root: ctx, keyword: 'COPY', from: 'build' }), { message: 'COPY failed: stat missing: file does not exist' })
})

test('sources never leave the root: ../ refused, symlinks resolved inside it', async () => {
  await assert.rejects(resolveSources(['../secret'], opts()), { message: 'COPY failed: forbidden path outside the build context: ../secret ()' })
  await assert.rejects(resolveSources(['dir/../../secret'], opts()), { message: /forbidden path outside the build context/ })
  const [abs] = await resolveSources(['abs-link'], opts())
  assert.equal(abs!.abs, join(ctx, 'a.txt'))
  assert.equal(abs!.rel, 'abs-link')
  // ../../../secret from the root stays at the root: /secret inside the context does not exist.
  await assert.rejects(resolveSources(['escape-link'], opts()), { message: /file not found in build context/ })
  const [dl] = await resolveSources(['dir-link'], opts())
  assert.equal(dl!.isDir, true)
  assert.equal(dl!.abs, join(ctx, 'dir'))
})

test('URLs: refused for COPY as Docker does; ADD downloads them as files named by download.ts, never extracted', async () => {
  await assert.rejects(resolveSources(['http://example.com/x'], opts()), { message: 'COPY failed: source can\'t be a URL for COPY' })
  await assert.rejects(resolveSources(['https://example.com/x.tgz'], opts('ADD')), (e: Error & { kind?: string }) => {
    assert.equal(e.kind, 'not-implemented')
    assert.match(e.message, /^ADD failed: downloading remote files is not supported/)
    return true
  })
  const fetched: string[] = []
  const download = async (url: string) => {
    fetched.push(url)
    return { path: join(ctx, 'app.tar'), name: url.endsWith('/') ? '' : 'app.tar' }
  }
  const [tarball] = await resolveSources(['http://127.0.0.1:1/app.tar'], { ...opts('ADD'), download, dest: '/x/' })
  assert.deepEqual(tarball, { abs: join(ctx, 'app.tar'), rel: 'app.tar', isDir: false })
  const [unnamed] = await resolveSources(['http://127.0.0.1:1/'], { ...opts('ADD'), download, dest: '/x' })
  assert.equal(unnamed!.rel, '__unnamed__')
  await assert.rejects(resolveSources(['http://127.0.0.1:1/'], { ...opts('ADD'), download, dest: '/x/' }), {
    message: 'ADD failed: cannot determine filename for source http://127.0.0.1:1/',
  })
  await assert.rejects(resolveSources(['http://127.0.0.1:1/gone'], { ...opts('ADD'), download: () => Promise.reject(new Error('failed to GET … with status 404 Not Found: gone')), dest: '/x' }), {
    message: 'ADD failed: failed to GET … with status 404 Not Found: gone',
  })
  assert.deepEqual(fetched, ['http://127.0.0.1:1/app.tar', 'http://127.0.0.1:1/', 'http://127.0.0.1:1/'])
})

test('ADD detects archives by content, not by name', async () => {
  const srcs = await resolveSources(['app.tar', 'app.tgz.bin', 'notatar.gz', 'a.txt'], opts('ADD'))
  assert.deepEqual(srcs.map((s) => s.archive), ['tar', 'gzip', undefined, undefined])
  const copy = await resolveSources(['app.tar'], opts('COPY'))
  assert.equal(copy[0]!.archive, undefined)
  assert.equal(archiveKind(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00, 1])), 'xz')
  // zstd: a tar inside is an archive, anything else a plain file (`zstd -c` of a tar holding x.txt, and of text)
  const zstdTar = 'KLUv/WQAJ/0BAKKCCA3QPYCIlgFGKjNUxEwB7y9iHiBvlX+B05SMXD5yIpNvb3QLILCZB/uFx+dpjAFg/59pjw7ggEEDbKcABztau9U='
  assert.equal(archiveKind(Buffer.from(zstdTar, 'base64')), 'zstd')
  assert.equal(archiveKind(Buffer.from('KLUv/QRYjQAAUGp1c3QgdGV4dAoBALtSBQkzMhOk', 'base64')), undefined)
  assert.deepEqual(planCopy([{ abs: '/ctx/a.tar.zst', rel: 'a.tar.zst', isDir: false, archive: 'zstd' }], '/opt/', '/', 'ADD').map((s) => s.extract), [true])
  assert.equal(archiveKind(Buffer.alloc(1024)), undefined)
})

test('planCopy: WORKDIR, trailing slash, directories, archives', () => {
  const file = (rel: string): CopySource => ({ abs: `/ctx/${rel}`, rel, isDir: false })
  const dir = (rel: string): CopySource => ({ abs: `/ctx/${rel}`, rel, isDir: true })
  assert.deepEqual(planCopy([file('a.txt')], '/app/', '/', 'COPY').map((s) => s.dest), ['/app/a.txt'])
  assert.deepEqual(planCopy([file('a.txt')], '/app', '/', 'COPY').map((s) => s.dest), ['/app'])
  assert.deepEqual(planCopy([file('a.txt')], '/app', '/', 'COPY', true).map((s) => s.dest), ['/app/a.txt'])
  assert.deepEqual(planCopy([file('a.txt')], 'rel/', '/srv', 'COPY').map((s) => s.dest), ['/srv/rel/a.txt'])
  assert.deepEqual(planCopy([file('a.txt')], 'x', '/srv', 'COPY').map((s) => s.dest), ['/srv/x'])
  assert.deepEqual(planCopy([file('a.txt')], '.', '/srv', 'COPY').map((s) => s.dest), ['/srv'])
  assert.deepEqual(planCopy([file('a.txt')], './', '/srv', 'COPY').map((s) => s.dest), ['/srv/a.txt'])
  assert.deepEqual(planCopy([file('a.txt')], 'x', '', 'COPY').map((s) => s.dest), ['/x'])
  assert.deepEqual(planCopy([dir('dir'), file('dir/sub/e.txt')], '/dst/', '/', 'COPY').map((s) => s.dest), ['/dst', '/dst/e.txt'])
  assert.throws(() => planCopy([file('a'), file('b')], '/dst', '/', 'COPY'), {
    message: 'When using COPY with more than one source file, the destination must be a directory and end with a /',
  })
  const tarSrc: CopySource = { abs: '/ctx/app.tar', rel: 'app.tar', isDir: false, archive: 'tar' }
  assert.deepEqual(planCopy([tarSrc], '/opt/', '/', 'ADD'), [{ src: tarSrc, dest: '/opt', extract: true }])
  assert.deepEqual(planCopy([tarSrc], '/opt/', '/', 'COPY'), [{ src: tarSrc, dest: '/opt/app.tar' }])
  assert.throws(() => planCopy([{ ...tarSrc, archive: 'xz' }], '/opt/', '/', 'ADD'), { message: /xz-compressed archives is not supported/ })
  assert.equal(normalizeDest('/abs/', '/w'), '/abs/')
})

test('--chown resolution against the image\'s passwd and group files', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/sh\n# comment\napp:x:1000:1000::/home/app:/bin/sh\nweb:x:33:33::/:/bin/false\n'
  const group = 'root:x:0:\nstaff:x:50:app\napp:x:1000:\n'
  assert.deepEqual(resolveChown('1001:1002', undefined, undefined), { uid: 1001, gid: 1002 })
  assert.deepEqual(resolveChown('55', undefined, undefined), { uid: 55, gid: 55 })
  assert.deepEqual(resolveChown('app', passwd, group), { uid: 1000, gid: 1000 })
  assert.deepEqual(resolveChown('app:staff', passwd, group), { uid: 1000, gid: 50 })
  assert.deepEqual(resolveChown('web:0', passwd, group), { uid: 33, gid: 0 })
  assert.throws(() => resolveChown('web', passwd, group), { message: 'unable to convert uid/gid chown string to host mapping: can\'t find gid for group web: no such group: web' })
  assert.throws(() => resolveChown('nobody:staff', passwd, group), { message: 'unable to convert uid/gid chown string to host mapping: can\'t find uid for user nobody: no such user: nobody' })
  assert.throws(() => resolveChown('app', undefined, undefined), { message: /no such user: app/ })
  assert.throws(() => resolveChown('a:b:c', passwd, group), { message: 'unable to convert uid/gid chown string to host mapping: invalid chown string format: a:b:c' })
})

test('--chmod octal parsing', () => {
  assert.equal(parseChmod('755'), 0o755)
  assert.equal(parseChmod('0644'), 0o644)
  assert.equal(parseChmod('4755'), 0o4755)
  for (const bad of ['u+x', '999', '17777', '', '-1']) {
    assert.throws(() => parseChmod(bad), { message: `invalid chmod parameter: '${bad}'. it should be octal string and between 0 and 07777` })
  }
})
