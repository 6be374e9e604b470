import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, rm, writeFile, readFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import tar from 'tar-stream'
import { paxOf, xattrsOf } from './tar-pax.js'
import { packLayer, type XattrLister } from './pack.js'
import { unpack } from './unpack.js'
import { LayerCopy } from './layer-copy.js'

// A revision-2 file capability (cap_net_bind_service, effective): bytes that are not UTF-8.
const CAP_V2 = Buffer.from('0100000200040000000000000000000000000000', 'hex')
const BINARY = Buffer.from([0xff, 0x00, 0x80, 0x0a, 0x3d, 0xc3])

async function collect(pack: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

type Header = Omit<tar.Header, 'pax'> & { pax?: Record<string, string> | null }

async function headersOf(t: Buffer): Promise<Header[]> {
  const out: Header[] = []
  const extract = tar.extract()
  Readable.from([t]).pipe(extract)
  for await (const entry of extract) {
    out.push(entry.header as Header)
    entry.resume()
  }
  return out
}

/** A PAX record as the format defines it, built here by hand. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  for (let len = body.length + 1; ; len++) if (String(len).length + body.length === len) return Buffer.concat([Buffer.from(String(len)), body])
}

/** A tar whose first entry is `records` as a PAX header of `kind`, written as a file and retyped by hand. */
async function tarWithRecords(kind: 'x' | 'g', records: Buffer, file: string): Promise<Buffer> {
  const pack = tar.pack()
  const out = collect(pack)
  pack.entry({ name: 'PaxHeader', mode: 0o644, size: records.length }, records)
  pack.entry({ name: file, mode: 0o644 }, 'x')
  pack.finalize()
  const t = await out
  t[156] = kind.charCodeAt(0)
  t.fill(0x20, 148, 156)
  let sum = 0
  for (let i = 0; i < 512; i++) sum += t[i]!
  t.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return t
}

test('binary xattr values survive a pack and an extract byte for byte, in records a reader can find', async () => {
  const pack = tar.pack()
  const out = collect(pack)
  pack.entry({ name: 'bin/ping', mode: 0o755, pax: paxOf([['security.capability', CAP_V2], ['user.foo', BINARY]]) }, 'ELF')
  pack.entry({ name: 'plain', mode: 0o644 }, 'p')
  pack.finalize()
  const t = await out
  for (const [k, v] of [['SCHILY.xattr.security.capability', CAP_V2], ['SCHILY.xattr.user.foo', BINARY]] as const) {
    assert.ok(t.includes(paxRecord(k, v)), `record ${k} is in the tar as written`)
  }
  const [ping, plain] = await headersOf(t)
  assert.equal(ping!.name, 'bin/ping')
  assert.deepEqual([...xattrsOf(ping!.pax)], [['security.capability', CAP_V2], ['user.foo', BINARY]])
  assert.equal(xattrsOf(plain!.pax).size, 0)
})

test('records written by another encoder decode exactly; an entry’s own value wins over a global header’s', async () => {
  const local = await tarWithRecords('x', Buffer.concat([paxRecord('SCHILY.xattr.user.b', BINARY), paxRecord('mtime', Buffer.from('1.5'))]), 'f')
  const [h] = await headersOf(local)
  assert.deepEqual(xattrsOf(h!.pax).get('user.b'), BINARY)
  assert.equal(h!.pax!.mtime, '1.5', 'other records stay strings')
  // tar-stream applies a global header only to entries that have their own PAX header
  const global = await tarWithRecords('g', Buffer.concat([paxRecord('SCHILY.xattr.user.g', BINARY), paxRecord('SCHILY.xattr.user.b', Buffer.from([0xfe]))]), 'g')
  const pack = tar.pack()
  const rest = collect(pack)
  pack.entry({ name: 'h', mode: 0o644, pax: paxOf([['user.b', BINARY]]) }, 'y')
  pack.finalize()
  const both = Buffer.concat([global.subarray(0, 1024), await rest]) // the global header and its records, then `h`
  const [g] = await headersOf(both)
  assert.equal(g!.name, 'h')
  assert.deepEqual(Object.fromEntries(xattrsOf(g!.pax)), { 'user.g': BINARY, 'user.b': BINARY })
})

test('headers without binary values are encoded as tar-stream always did', async () => {
  const pack = tar.pack()
  const out = collect(pack)
  const long = `${'d'.repeat(120)}/f`
  pack.entry({ name: long, mode: 0o644, pax: { 'SCHILY.xattr.user.t': 'text' } }, 'x')
  pack.finalize()
  const t = await out
  assert.ok(t.includes(paxRecord('path', Buffer.from(long))))
  assert.ok(t.includes(paxRecord('SCHILY.xattr.user.t', Buffer.from('text'))))
  const [h] = await headersOf(t)
  assert.equal(h!.name, long)
})

/** A tree's xattrs as a fake lister: path → name → value. */
function lister(attrs: Record<string, Record<string, Buffer>>): XattrLister {
  return {
    listXattrs: (p) => Object.keys(attrs[p] ?? {}),
    getXattr: (p, name) => attrs[p]?.[name],
  }
}

test('packLayer writes every xattr but overlay’s and SELinux’s; a revision-3 capability becomes revision 2; unpack and LayerCopy restore them', async () => {
  const base = await mkdtemp(join(tmpdir(), 'berth-xattr-'))
  try {
    const src = join(base, 'src')
    await mkdir(join(src, 'd'), { recursive: true })
    await writeFile(join(src, 'd/f'), 'data')
    await writeFile(join(src, 'v3'), '')
    const capV3 = Buffer.concat([Buffer.from('01000003', 'hex'), CAP_V2.subarray(4), Buffer.from('e8030000', 'hex')])
    const x = lister({
      [join(src, 'd')]: { 'trusted.overlay.opaque': Buffer.from('y'), 'trusted.overlay.origin': BINARY, 'user.dir': Buffer.from('1') },
      [join(src, 'd/f')]: { 'user.overlay.redirect': Buffer.from('/x'), 'security.selinux': Buffer.from('label'), 'user.foo': BINARY, 'security.capability': CAP_V2 },
      [join(src, 'v3')]: { 'security.capability': capV3 },
    })
    const copied: string[] = []
    const io = {
      mknod: () => undefined,
      mkWhiteout: () => undefined,
      setXattr: (p: string, name: string, v: Buffer) => void copied.push(`${p.slice(base.length)} ${name}=${v.toString('hex')}`),
    }
    const copy = new LayerCopy(join(base, 'copy'), io)
    const t = await collect(packLayer(src, x, { onEntry: (e) => copy.add(e) }))
    copy.finish()
    const capV3AsV2 = Buffer.from(CAP_V2)
    const expected = [
      `/d trusted.overlay.opaque=${Buffer.from('y').toString('hex')}`,
      `/d user.dir=${Buffer.from('1').toString('hex')}`,
      `/d/f security.capability=${CAP_V2.toString('hex')}`,
      `/d/f user.foo=${BINARY.toString('hex')}`,
      `/v3 security.capability=${capV3AsV2.toString('hex')}`,
    ]
    assert.deepEqual(copied.map((c) => c.replace(/^\/copy/, '')), expected)

    const restored: string[] = []
    const root = join(base, 'root')
    await mkdir(root)
    const ops = {
      mknod: () => undefined,
      mkWhiteout: () => undefined,
      lchown: () => undefined,
      setXattr: (p: string, name: string, v: Buffer) => void restored.push(`${p.slice(root.length)} ${name}=${v.toString('hex')}`),
    }
    await unpack(Readable.from([t]), root, { layer: ops })
    assert.deepEqual(restored.sort(), expected) // the opaque marker comes after the directory's entry
    assert.equal(await readFile(join(root, 'd/f'), 'utf8'), 'data')
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

test('unpack never restores overlay xattrs from an archive; a filesystem without xattrs is skipped, other failures are errors', async () => {
  const base = await mkdtemp(join(tmpdir(), 'berth-xattr-'))
  try {
    const pack = tar.pack()
    const out = collect(pack)
    pack.entry({ name: 'f', mode: 0o644, pax: paxOf([['trusted.overlay.redirect', Buffer.from('/etc')], ['user.overlay.metacopy', Buffer.alloc(0)], ['user.none', BINARY], ['user.ok', BINARY]]) }, 'x')
    pack.finalize()
    const t = await out
    const run = async (failing: string) => {
      const root = await mkdtemp(join(base, 'root-'))
      const set: string[] = []
      const ops = {
        mknod: () => undefined,
        mkWhiteout: () => undefined,
        lchown: () => undefined,
        setXattr: (_p: string, name: string) => {
          if (name === 'user.none') throw Object.assign(new Error('setxattr'), { code: failing, errno: 1, syscall: 'setxattr' })
          set.push(name)
        },
      }
      await unpack(Readable.from([t]), root, { layer: ops })
      return set
    }
    assert.deepEqual(await run('EOPNOTSUPP'), ['user.ok'])
    await assert.rejects(run('EPERM'), /setxattr/)
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})

test('an archive read with no layer semantics ignores xattrs', async () => {
  const pack = tar.pack()
  const out = collect(pack)
  pack.entry({ name: 'f', mode: 0o644, pax: paxOf([['user.a', BINARY]]) }, 'content')
  pack.finalize()
  const base = await mkdtemp(join(tmpdir(), 'berth-xattr-'))
  try {
    await unpack(Readable.from([await out]), base, {})
    assert.equal(await readFile(join(base, 'f'), 'utf8'), 'content')
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})
