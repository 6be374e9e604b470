import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'node:test'
import { BerthError } from '../../lib/errors.js'
import { buildConflist, pluginTypes, type NetworkSpec } from './conflist.js'
import { checkPlugins, findPlugin } from './plugins.js'

const spec = (over: Partial<NetworkSpec>): NetworkSpec => ({ name: 'net1', type: 'macvlan', options: {}, ...over })

const rejects = (fn: () => unknown, kind: string, message: string) =>
  assert.throws(fn, (e: unknown) => e instanceof BerthError && e.kind === kind && e.message === message)

test('macvlan: master from parent, bridge mode by default, static IPAM with runtime ips and mac', () => {
  assert.deepEqual(buildConflist(spec({ options: { parent: 'eth0' } })), {
    cniVersion: '1.0.0',
    name: 'net1',
    plugins: [{ type: 'macvlan', master: 'eth0', mode: 'bridge', capabilities: { ips: true, mac: true }, ipam: { type: 'static' } }],
  })
})

test('macvlan: mode, mtu (either spelling) and routes', () => {
  const c = buildConflist(
    spec({ options: { parent: 'ens3', macvlan_mode: 'vepa', mtu: '9000' }, routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }] }),
  )
  assert.deepEqual(c.plugins[0], {
    type: 'macvlan', master: 'ens3', mode: 'vepa', mtu: 9000, capabilities: { ips: true, mac: true },
    ipam: { type: 'static', routes: [{ dst: '0.0.0.0/0', gw: '10.1.0.1' }] },
  })
  const d = buildConflist(spec({ options: { parent: 'ens3', 'com.docker.network.driver.mtu': '1400' } }))
  assert.equal(d.plugins[0]!.mtu, 1400)
})

test('ipvlan: l2 by default, l3 and l3s allowed, no mac capability', () => {
  assert.deepEqual(buildConflist(spec({ type: 'ipvlan', options: { parent: 'eth0' } })).plugins, [
    { type: 'ipvlan', master: 'eth0', mode: 'l2', capabilities: { ips: true }, ipam: { type: 'static' } },
  ])
  assert.equal(buildConflist(spec({ type: 'ipvlan', options: { parent: 'eth0', ipvlan_mode: 'l3s' } })).plugins[0]!.mode, 'l3s')
  assert.equal(buildConflist(spec({ type: 'ipvlan', options: { parent: 'eth0', ipvlan_flag: 'bridge' } })).plugins.length, 1)
})

test('a missing parent is refused with the flag to use', () => {
  rejects(() => buildConflist(spec({})), 'invalid', '-o parent=<host interface> is required for the macvlan driver')
  rejects(() => buildConflist(spec({ type: 'ipvlan', options: { parent: '' } })), 'invalid', '-o parent=<host interface> is required for the ipvlan driver')
})

test('bad modes, mtu and flags are refused', () => {
  rejects(() => buildConflist(spec({ options: { parent: 'e', macvlan_mode: 'l2' } })), 'invalid', 'invalid macvlan_mode "l2": must be one of bridge, private, vepa, passthru')
  rejects(() => buildConflist(spec({ type: 'ipvlan', options: { parent: 'e', ipvlan_mode: 'bridge' } })), 'invalid', 'invalid ipvlan_mode "bridge": must be one of l2, l3, l3s')
  rejects(() => buildConflist(spec({ options: { parent: 'e', mtu: '15x' } })), 'invalid', 'invalid mtu "15x": must be an integer between 68 and 65535')
  rejects(() => buildConflist(spec({ options: { parent: 'e', mtu: '20' } })), 'invalid', 'invalid mtu "20": must be an integer between 68 and 65535')
  rejects(
    () => buildConflist(spec({ type: 'ipvlan', options: { parent: 'e', ipvlan_flag: 'private' } })),
    'invalid', 'ipvlan_flag=private is not supported: the CNI ipvlan plugin has only the bridge flag',
  )
})

test('another plugin type gets the options as string fields; berth keeps type, ipam and capabilities', () => {
  const c = buildConflist(spec({ type: 'host-device', options: { device: 'eth9', type: 'evil', ipam: 'x', mtu: '1500' } }))
  assert.deepEqual(c.plugins, [
    { device: 'eth9', mtu: '1500', type: 'host-device', capabilities: { ips: true, mac: true }, ipam: { type: 'static' } },
  ])
})

test('bandwidth limits add the bandwidth plugin with an override capability', () => {
  const c = buildConflist(spec({ type: 'ptp', bandwidth: { ingressRate: 1_000_000, ingressBurst: 10_000 } }))
  assert.deepEqual(c.plugins[1], { type: 'bandwidth', ingressRate: 1_000_000, ingressBurst: 10_000, capabilities: { bandwidth: true } })
  assert.equal(buildConflist(spec({ type: 'ptp', bandwidth: {} })).plugins.length, 1)
})

test('bandwidth limits are refused where the plugin cannot work, or when half given', () => {
  const bw = { egressRate: 1000, egressBurst: 1000 }
  rejects(
    () => buildConflist(spec({ options: { parent: 'e' }, bandwidth: bw })),
    'invalid', 'bandwidth limits are not supported with the macvlan driver: the CNI bandwidth plugin needs a veth pair',
  )
  rejects(() => buildConflist(spec({ type: 'ptp', bandwidth: { egressRate: 1000 } })), 'invalid', 'egress rate and egress burst must be given together')
  rejects(() => buildConflist(spec({ type: 'ptp', bandwidth: { ingressRate: -1, ingressBurst: 5 } })), 'invalid', 'invalid ingress rate -1: must be a positive integer')
})

test('network names and plugin types follow the CNI grammar', () => {
  rejects(() => buildConflist(spec({ name: 'a b' })), 'invalid', 'invalid network name "a b" for CNI: only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed')
  rejects(() => buildConflist(spec({ type: '../../bin/sh' })), 'not-found', 'plugin type="../../bin/sh" not found')
})

test('pluginTypes lists main, IPAM and chained plugins once each', () => {
  const c = buildConflist(spec({ type: 'ptp', bandwidth: { egressRate: 1, egressBurst: 1 } }))
  assert.deepEqual(pluginTypes(c), ['ptp', 'static', 'bandwidth'])
})

test('plugins are looked up along a colon-separated CNI path', async (t) => {
  const a = await mkdtemp(join(tmpdir(), 'berth-cni-a-'))
  const b = await mkdtemp(join(tmpdir(), 'berth-cni-b-'))
  t.after(() => Promise.all([rm(a, { recursive: true }), rm(b, { recursive: true })]))
  for (const [dir, name] of [[a, 'macvlan'], [b, 'static'], [b, 'macvlan']] as const) {
    await writeFile(join(dir, name), '#!/bin/sh\n')
    await chmod(join(dir, name), 0o755)
  }
  await writeFile(join(a, 'noexec'), '')
  const path = `${a}:${b}`
  assert.equal(await findPlugin('macvlan', path), join(a, 'macvlan'))
  assert.equal(await findPlugin('static', path), join(b, 'static'))
  await assert.rejects(findPlugin('noexec', path), { message: 'plugin type="noexec" not found' })
  await checkPlugins(buildConflist(spec({ options: { parent: 'e' } })), path)
  await assert.rejects(checkPlugins(buildConflist(spec({ type: 'x' })), path), (e: unknown) =>
    e instanceof BerthError && e.kind === 'not-found' && e.message === 'plugin type="x" not found')
})
