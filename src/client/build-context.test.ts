import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { link, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { gzipSync } from 'node:zlib'
import tar from 'tar-stream'
import { isArchiveStart, keepBuildFiles, prepareContext } from './build-context.js'

let base: string
let ctx: string

interface Listed { name: string; type: string; uid: number; gid: number; body: string; linkname?: string }

async function list(stream: Readable): Promise<Listed[]> {
  const extract = tar.extract()
  const out: Listed[] = []
  const done = (async () => {
    for await (const e of extract) {
      const chunks: Buffer[] = []
      for await (const c of e) chunks.push(c as Buffer)
      const h = e.header
      out.push({ name: h.name, type: h.type ?? 'file', uid: h.uid ?? -1, gid: h.gid ?? -1, body: Buffer.concat(chunks).toString(), ...(h.linkname ? { linkname: h.linkname } : {}) })
    }
  })()
  stream.pipe(extract)
  await done
  return out
}
const names = async (s: Readable) => (await list(s)).map((e) => e.name)

before(async () => {
  base = await mkdtemp(join(tmpdir(), 'berth-sendctx-'))
  ctx = join(base, 'ctx')
  await mkdir(join(ctx, 'src'), { recursive: true })
  await mkdir(join(ctx, 'node_modules/pkg'), { recursive: true })
  await writeFile(join(ctx, 'Dockerfile'), 'FROM busybox\n')
  await writeFile(join(ctx, 'Dockerfile.dev'), 'FROM busybox:dev\n')
  await writeFile(join(ctx, '.dockerignore'), '# build files are still sent\nnode_modules\n*.log\nDockerfile*\n.dockerignore\n!keep.log\n')
  await writeFile(join(ctx, 'src/main.c'), 'int main(){}')
  await writeFile(join(ctx, 'debug.log'), 'x')
  await writeFile(join(ctx, 'keep.log'), 'k')
  await writeFile(join(ctx, 'node_modules/pkg/index.js'), 'x')
  await symlink('src/main.c', join(ctx, 'main-link'))
  await link(join(ctx, 'src/main.c'), join(ctx, 'hard.c'))
  await writeFile(join(base, 'Outside.Dockerfile'), 'FROM outside\n')
})
after(async () => rm(base, { recursive: true, force: true }))

test('a directory: .dockerignore applied, Dockerfile and .dockerignore always sent, root-owned entries', async () => {
  const { body, dockerfile } = await prepareContext({ context: ctx })
  assert.equal(dockerfile, 'Dockerfile')
  const entries = await list(body)
  assert.deepEqual(entries.map((e) => e.name).sort(), ['.dockerignore', 'Dockerfile', 'hard.c', 'keep.log', 'main-link', 'src/', 'src/main.c'])
  assert.ok(entries.every((e) => e.uid === 0 && e.gid === 0))
  const byName = new Map(entries.map((e) => [e.name, e]))
  assert.equal(byName.get('main-link')!.type, 'symlink')
  assert.equal(byName.get('main-link')!.linkname, 'src/main.c')
  assert.equal(byName.get('Dockerfile')!.body, 'FROM busybox\n')
  const hardOrMain = [byName.get('hard.c')!, byName.get('src/main.c')!]
  assert.deepEqual(hardOrMain.map((e) => e.type).sort(), ['file', 'link'])
})

test('-f: relative to the current directory; inside the context it is named, outside it is added', async () => {
  const inside = await prepareContext({ context: '.', dockerfile: 'Dockerfile.dev', cwd: ctx })
  assert.equal(inside.dockerfile, 'Dockerfile.dev')
  assert.ok((await names(inside.body)).includes('Dockerfile.dev'))
  const outside = await prepareContext({ context: 'ctx', dockerfile: 'Outside.Dockerfile', cwd: base })
  assert.match(outside.dockerfile!, /^\.dockerfile\.[0-9a-f]{20}$/)
  const entries = await list(outside.body)
  assert.equal(entries.find((e) => e.name === outside.dockerfile)!.body, 'FROM outside\n')
  assert.ok(!entries.some((e) => e.name === 'Dockerfile'), 'the context\'s own ignored Dockerfile is not kept then')
})

test('-f -: the Dockerfile comes from stdin and is added to the context', async () => {
  const r = await prepareContext({ context: ctx, dockerfile: '-', stdin: Readable.from([Buffer.from('FROM stdin\n')]) })
  assert.match(r.dockerfile!, /^\.dockerfile\./)
  const entries = await list(r.body)
  assert.equal(entries.find((e) => e.name === r.dockerfile)!.body, 'FROM stdin\n')
})

test('context -: a Dockerfile on stdin becomes the whole context; a tar (plain or gzip) is sent as is', async () => {
  const df = await prepareContext({ context: '-', stdin: Readable.from([Buffer.from('FROM busybox\nRUN true\n')]) })
  assert.equal(df.dockerfile, 'Dockerfile')
  assert.deepEqual(await list(df.body).then((l) => l.map((e) => [e.name, e.body])), [['Dockerfile', 'FROM busybox\nRUN true\n']])
  const pack = tar.pack()
  pack.entry({ name: 'Dockerfile' }, 'FROM x')
  pack.finalize()
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  const raw = Buffer.concat(chunks)
  const t = await prepareContext({ context: '-', stdin: Readable.from([raw.subarray(0, 100), raw.subarray(100)]) })
  assert.equal(t.dockerfile, undefined)
  assert.deepEqual(await names(t.body), ['Dockerfile'])
  const gz = gzipSync(raw)
  const g = await prepareContext({ context: '-', dockerfile: 'Dockerfile', stdin: Readable.from([gz]) })
  assert.deepEqual(Buffer.concat(await g.body.toArray()), gz)
  assert.equal(isArchiveStart(Buffer.from('FROM x')), false)
})

test('the docker CLI\'s refusals', async () => {
  await assert.rejects(prepareContext({ context: '-', dockerfile: '-', stdin: Readable.from([]) }), { message: "invalid argument: can't use stdin for both build context and dockerfile" })
  await assert.rejects(prepareContext({ context: '-', dockerfile: 'x', stdin: Readable.from([Buffer.from('FROM a')]) }), {
    message: 'unable to prepare context from STDIN: ambiguous Dockerfile source: both stdin and flag correspond to Dockerfiles',
  })
  await assert.rejects(prepareContext({ context: 'nope', cwd: base }), { message: 'unable to prepare context: path "nope" not found' })
  await assert.rejects(prepareContext({ context: join(ctx, 'keep.log') }), { message: `unable to prepare context: context must be a directory: ${join(ctx, 'keep.log')}` })
  await assert.rejects(prepareContext({ context: join(ctx, 'src') }), { message: `unable to prepare context: cannot locate Dockerfile: "${join(ctx, 'src/Dockerfile')}"` })
  await assert.rejects(prepareContext({ context: 'https://github.com/x/y.git' }), (e: Error & { kind?: string }) => e.kind === 'not-implemented')
})

test('keepBuildFiles re-includes .dockerignore and the Dockerfile when the patterns exclude them', () => {
  assert.deepEqual(keepBuildFiles(['*'], 'Dockerfile'), ['*', '!.dockerignore', '!Dockerfile'])
  assert.deepEqual(keepBuildFiles(['*.log'], 'Dockerfile'), ['*.log'])
  assert.deepEqual(keepBuildFiles(['sub'], 'sub/Dockerfile'), ['sub', '!sub/Dockerfile'])
})
