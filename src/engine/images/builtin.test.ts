import { test } from 'node:test'
import assert from 'node:assert/strict'
import { appletLinks, builtinConfig, builtinLayer } from './builtin.js'
import { sha256 } from '../../storage/digest.js'

test('applet links: known dirs only, no busybox itself, sorted and unique', () => {
  assert.deepEqual(appletLinks('usr/bin/wget\nbin/busybox\nlinuxrc\nbin/sh\nopt/x/y\nbin/sh\n'), ['bin/sh', 'usr/bin/wget'])
})

test('the layer and config are byte for byte reproducible', async () => {
  const bin = Buffer.from('not really busybox')
  const a = await builtinLayer(bin, ['bin/sh'])
  const b = await builtinLayer(bin, ['bin/sh'])
  assert.ok(a.equals(b))
  assert.equal(sha256(builtinConfig(sha256(a), sha256(bin))), sha256(builtinConfig(sha256(b), sha256(bin))))
  const cfg = JSON.parse(builtinConfig(sha256(a), sha256(bin)).toString())
  assert.deepEqual(cfg.config, { Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'], Cmd: ['sh'] })
  assert.deepEqual(cfg.rootfs.diff_ids, [sha256(a)])
})
