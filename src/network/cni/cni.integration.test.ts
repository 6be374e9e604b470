// Integration: the real plugins of /usr/lib/cni (containernetworking-plugins 1.1.1), as root.
// Touches nothing of the machine: every test makes its own "host" netns (`ip netns add
// berth-cnitest-<random>`, plugins run inside it through `wrap`) and container netns pinned by
// files under a private temp dir; addresses exist only inside those namespaces. The parent
// interface `dummy0` is one end of a veth pair: this kernel has no dummy driver (CONFIG_DUMMY
// unset), and a veth works as a macvlan/ipvlan lower device just the same.
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { test, type TestContext } from 'node:test'
import { UndoStack } from '../../lib/undo.js'
import { run, runOk } from '../../sys/exec.js'
import { buildConflist, type Conflist } from './conflist.js'
import { cniAdd, cniDel, type CniInvocation } from './invoke.js'

interface Host {
  name: string
  wrap: string[]
  /** a new container netns pinned at a file; removed when the test ends */
  sandbox(name: string): Promise<string>
}

async function makeHost(t: TestContext): Promise<Host> {
  assert.equal(process.getuid?.(), 0, 'CNI integration tests need root (ip netns, unshare, CNI plugins)')
  const undo = new UndoStack()
  t.after(async () => {
    const errors = await undo.run()
    assert.deepEqual(errors, [], 'cleanup failed')
  })
  const name = `berth-cnitest-${randomBytes(4).toString('hex')}`
  await runOk('ip', ['netns', 'add', name])
  undo.push(() => runOk('ip', ['netns', 'del', name]))
  await runOk('ip', ['-n', name, 'link', 'set', 'lo', 'up'])
  await runOk('ip', ['-n', name, 'link', 'add', 'dummy0', 'type', 'veth', 'peer', 'name', 'dummy0p'])
  await runOk('ip', ['-n', name, 'link', 'set', 'dummy0', 'up'])
  await runOk('ip', ['-n', name, 'link', 'set', 'dummy0p', 'up'])
  const dir = await mkdtemp(join(tmpdir(), `${name}-`))
  undo.push(() => rm(dir, { recursive: true }))
  return {
    name,
    wrap: ['nsenter', `--net=/run/netns/${name}`, '--'],
    sandbox: async (id) => {
      const file = join(dir, id)
      await writeFile(file, '')
      undo.push(() => rm(file, { force: true }))
      await runOk('unshare', [`--net=${file}`, 'true'])
      undo.push(async () => {
        const r = await run('umount', [file])
        if (r.code !== 0 && !r.stderr.includes('not mounted')) throw new Error(`umount ${file}: ${r.stderr.trim()}`)
      })
      return file
    },
  }
}

const inNetns = (netns: string, argv: string[]) => run('nsenter', [`--net=${netns}`, '--', ...argv])
/** `name state addresses…` per interface, e.g. `eth0 10.200.0.2/24`; IPv4 only, lo omitted. */
async function addrs(netns: string): Promise<string[]> {
  const r = await inNetns(netns, ['ip', '-4', '-o', 'addr', 'show'])
  return r.stdout.split('\n').filter((l) => l && !/ lo /.test(l)).map((l) => {
    const f = l.split(/\s+/)
    return `${f[1]!.replace(/@.*/, '')} ${f[3]}`
  })
}
async function links(netns: string): Promise<string[]> {
  const r = await inNetns(netns, ['ip', '-o', 'link', 'show'])
  return r.stdout.split('\n').filter(Boolean).map((l) => l.split(/:\s+/)[1]!.replace(/@.*/, '')).sort()
}
const hostLinks = (h: Host) => links(`/run/netns/${h.name}`)

async function timed<T>(t: TestContext, what: string, fn: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const v = await fn()
  t.diagnostic(`${what}: ${(performance.now() - started).toFixed(1)} ms`)
  return v
}

test('macvlan: two containers get their static addresses, reach each other, and DEL removes it all', async (t) => {
  const h = await makeHost(t)
  const conflist = buildConflist({ name: 'mv1', type: 'macvlan', options: { parent: 'dummy0' }, routes: [{ dst: '0.0.0.0/0', gw: '10.200.0.1' }] })
  const [ns1, ns2] = [await h.sandbox('c1'), await h.sandbox('c2')]
  const inv1: CniInvocation = { containerId: 'c1', netns: ns1, ifName: 'eth0', wrap: h.wrap, runtimeConfig: { ips: ['10.200.0.2/24'], mac: '02:42:0a:c8:00:02' } }
  const inv2: CniInvocation = { containerId: 'c2', netns: ns2, ifName: 'eth1', wrap: h.wrap, runtimeConfig: { ips: ['10.200.0.3/24'] } }
  const before = await hostLinks(h)

  const r1 = await timed(t, 'ADD macvlan c1 (first)', () => cniAdd(conflist, inv1))
  const r2 = await timed(t, 'ADD macvlan c2', () => cniAdd(conflist, inv2))
  assert.deepEqual(r1.ips, [{ interface: 0, address: '10.200.0.2/24' }])
  assert.deepEqual(r1.interfaces, [{ name: 'eth0', mac: '02:42:0a:c8:00:02', sandbox: ns1 }])
  assert.deepEqual(r1.routes, [{ dst: '0.0.0.0/0', gw: '10.200.0.1' }])
  assert.deepEqual(JSON.parse(JSON.stringify(r2)), r2, 'the result survives being persisted as JSON')
  assert.deepEqual(await addrs(ns1), ['eth0 10.200.0.2/24'])
  assert.deepEqual(await addrs(ns2), ['eth1 10.200.0.3/24'])
  assert.match((await inNetns(ns1, ['ip', 'route', 'show', 'default'])).stdout, /^default via 10\.200\.0\.1 dev eth0/)
  assert.deepEqual(await hostLinks(h), before, 'macvlan leaves no interface in the host netns')

  for (const [from, to] of [[ns1, '10.200.0.3'], [ns2, '10.200.0.2']] as const) {
    const ping = await inNetns(from, ['busybox', 'ping', '-c1', '-W1', to])
    assert.equal(ping.code, 0, `ping ${to}: ${ping.stdout}${ping.stderr}`)
  }

  await timed(t, 'DEL macvlan c1', () => cniDel(conflist, inv1, r1))
  assert.deepEqual(await links(ns1), ['lo'])
  await timed(t, 'DEL macvlan c1 again', () => cniDel(conflist, inv1, r1))
  // A container whose netns is already gone (berthd restarted after the container died).
  await runOk('umount', [ns2])
  await cniDel(conflist, inv2, r2)
  await cniDel(conflist, { ...inv2, netns: '' }, r2)
  assert.deepEqual(await hostLinks(h), before)
})

test('ipvlan: static address in the container, DEL removes it', async (t) => {
  const h = await makeHost(t)
  const conflist = buildConflist({ name: 'iv1', type: 'ipvlan', options: { parent: 'dummy0', ipvlan_mode: 'l2' } })
  const ns = await h.sandbox('c1')
  const inv: CniInvocation = { containerId: 'c1', netns: ns, ifName: 'eth0', wrap: h.wrap, runtimeConfig: { ips: ['10.201.0.2/24'] } }
  const probe = await run('ip', ['-n', h.name, 'link', 'add', 'ipvl0', 'link', 'dummy0', 'type', 'ipvlan', 'mode', 'l2'])
  if (probe.code !== 0) {
    // Still worth checking: the plugin's own words reach the caller and nothing is left.
    await assert.rejects(cniAdd(conflist, inv), { message: 'CNI plugin ipvlan ADD on network iv1: failed to create ipvlan: operation not supported' })
    assert.deepEqual(await links(ns), ['lo'])
    t.skip(`kernel has no ipvlan driver (CONFIG_IPVLAN unset: ${probe.stderr.trim()}); only the failure path was run`)
    return
  }
  await runOk('ip', ['-n', h.name, 'link', 'del', 'ipvl0'])
  const r = await timed(t, 'ADD ipvlan', () => cniAdd(conflist, inv))
  assert.deepEqual(r.ips, [{ interface: 0, address: '10.201.0.2/24' }])
  assert.deepEqual(await addrs(ns), ['eth0 10.201.0.2/24'])
  await timed(t, 'DEL ipvlan', () => cniDel(conflist, inv, r))
  assert.deepEqual(await links(ns), ['lo'])
  await cniDel(conflist, inv, r)
})

test('a failing ADD leaves nothing behind, wherever in the chain it fails', async (t) => {
  const h = await makeHost(t)
  const ns = await h.sandbox('c1')
  const inv: CniInvocation = { containerId: 'c1', netns: ns, ifName: 'eth0', wrap: h.wrap, runtimeConfig: { ips: ['10.202.0.2/24'] } }
  const before = await hostLinks(h)
  const macvlan = buildConflist({ name: 'f1', type: 'macvlan', options: { parent: 'dummy0' } })
  const cases: Array<[string, Conflist, CniInvocation, string]> = [
    ['nonexistent parent', buildConflist({ name: 'f1', type: 'macvlan', options: { parent: 'nope0' } }), inv, 'CNI plugin macvlan ADD on network f1: Link not found'],
    // macvlan 1.1.1 itself leaves its interface behind when IPAM fails; the rollback DEL removes it
    ['IPAM refuses the address', macvlan, { ...inv, runtimeConfig: { ips: ['10.202.0.2'] } },
      "CNI plugin macvlan ADD on network f1: an entry in the 'ips' field is NOT in CIDR notation, got: '10.202.0.2'"],
    ['second of three plugins fails', { ...macvlan, plugins: [macvlan.plugins[0]!, { type: 'bandwidth', egressRate: 1000000, egressBurst: 100000 }, { type: 'tuning' }] }, inv,
      'CNI plugin bandwidth ADD on network f1: container interface eth0 has no veth peer: interface "eth0" was not a veth interface'],
  ]
  for (const [what, conflist, i, message] of cases) {
    await timed(t, `failed ADD + rollback (${what})`, () => assert.rejects(cniAdd(conflist, i), { message }, what))
    assert.deepEqual(await links(ns), ['lo'], what)
    assert.deepEqual(await hostLinks(h), before, what)
  }
  // The sandbox is still usable afterwards: nothing half-made blocks the name eth0.
  const r = await cniAdd(macvlan, inv)
  assert.deepEqual(await addrs(ns), ['eth0 10.202.0.2/24'])
  await cniDel(macvlan, inv, r)
})
