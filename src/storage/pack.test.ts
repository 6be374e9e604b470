import { test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { getXattr, listXattrs, setXattr, SysError } from '../sys/ffi.js'
import { hostImageHost } from './host.js'
import { LayerCopy } from './layer-copy.js'
import { packLayer } from './pack.js'
import { unpack } from './unpack.js'

async function collect(pack: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const c of pack) chunks.push(c as Buffer)
  return Buffer.concat(chunks)
}

/** A PAX record as the format defines it, built here by hand. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  for (let len = body.length + 1; ; len++) if (String(len).length + body.length === len) return Buffer.concat([Buffer.from(String(len)), body])
}

// Linux takes values up to 64 KiB; ext4 without ea_inode stops at a block (4 KiB), tmpfs does not
// (user.* on tmpfs since Linux 6.6), so the trees live in /dev/shm.
test('user.* xattrs of 10 KiB and of the 64 KiB limit go through pack, unpack and the one-pass copy byte for byte', async (t) => {
  const base = await mkdtemp('/dev/shm/berth-pack-xattr-')
  try {
    const src = join(base, 'src')
    await mkdir(src)
    const values = new Map([10 * 1024, 64 * 1024].map((n) => [`f${n}`, Buffer.concat([Buffer.from([0xff, 0x00, 0x0a, 0x3d]), randomBytes(n - 4)])]))
    for (const [file, value] of values) {
      await writeFile(join(src, file), file)
      try {
        setXattr(join(src, file), 'user.big', value)
      } catch (e) {
        if (e instanceof SysError && (e.code === 'EOPNOTSUPP' || e.errno === 28)) {
          t.skip(`/dev/shm holds no ${value.length}-byte user.* xattr (${e.message}): needs tmpfs of Linux 6.6 or later`)
          return
        }
        throw e
      }
      assert.deepEqual(getXattr(join(src, file), 'user.big'), value, 'read back whole, past the 4 KiB a smaller buffer held')
    }

    const copy = new LayerCopy(join(base, 'copy'), hostImageHost.nodeOps)
    const tar = await collect(packLayer(src, { getXattr, listXattrs }, { onEntry: (e) => copy.add(e) }))
    copy.finish()
    const root = join(base, 'root')
    await mkdir(root)
    await unpack(Readable.from([tar]), root, { layer: hostImageHost.nodeOps })
    for (const [file, value] of values) {
      assert.ok(tar.includes(paxRecord('SCHILY.xattr.user.big', value)), `${file}: the tar holds the whole value as one PAX record`)
      assert.deepEqual(getXattr(join(base, 'copy', file), 'user.big'), value, `${file}: the layer built while packing has it`)
      assert.deepEqual(getXattr(join(root, file), 'user.big'), value, `${file}: unpack restores it`)
      assert.equal(await readFile(join(root, file), 'utf8'), file)
    }
  } finally {
    await rm(base, { recursive: true, force: true })
  }
})
