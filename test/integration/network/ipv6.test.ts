// IPv6 on user-defined bridge networks (`network create --ipv6`), checked from inside the
// containers: addresses from the given or an automatic unique local /64, `--ip6`, ping between
// peers, AAAA answers of the embedded DNS, the hosts file, inspect of containers and networks,
// leases released with the containers, masquerade towards an "outside" namespace, internal and
// isolated networks, and bad input refused with nothing half-made. Traffic stays inside
// namespaces this test creates.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const
const SUBNET = 'fd00:61::/64'

before(async () => {
  d = await startDaemon('net-ipv6')
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', SUBNET, 'v6-a']))
  ok(d.docker(['run', '-d', '--name', 'v6-c1', '--network', 'v6-a', 'busybox', 'sleep', '600']))
  ok(d.berth(['run', '-d', '--name', 'v6-c2', '--network', 'v6-a', 'busybox', 'sleep', '600']))
})

after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult, what = ''): string {
  assert.equal(r.code, 0, `${what}\n${r.stderr}`)
  return r.stdout
}

interface V6 { address: string; prefix: number; gateway: string }

async function v6Of(container: string, network: string): Promise<V6> {
  const r = await d.api('GET', `/v1.47/containers/${container}/json`)
  assert.equal(r.status, 200, r.text)
  const n = r.body.NetworkSettings.Networks[network]
  assert.ok(n?.GlobalIPv6Address, `${container} has no IPv6 address on ${network}: ${JSON.stringify(n)}`)
  return { address: n.GlobalIPv6Address, prefix: n.GlobalIPv6PrefixLen, gateway: n.IPv6Gateway }
}

/** The IPv6 lease rows of a network. */
function leases6(networkId: string): string[] {
  const db = new Database(join(d.dataRoot, 'berth.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT ip6 FROM endpoints WHERE network_id = ? AND ip6 IS NOT NULL ORDER BY ip6').all(networkId) as Array<{ ip6: string }>).map((r) => r.ip6)
  } finally {
    db.close()
  }
}

const networkOf = async (name: string) => (await d.api('GET', `/v1.47/networks/${name}`)).body
const globalAddrs = (container: string) =>
  ok(d.docker(['exec', container, 'ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'global'])).trim().split('\n').filter(Boolean).map((l) => l.split(/\s+/)[3])
const ping6 = (container: string, target: string) => d.docker(['exec', container, 'ping', '-6', '-c', '1', '-W', '2', target])
const spawnResult = (file: string, args: string[]): RunResult => {
  const r = spawnSync(file, args, { encoding: 'utf8' })
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

test('an --ipv6 network: distinct addresses in inspect and inside, ping6 between peers, AAAA answers, hosts file', async () => {
  const net = await networkOf('v6-a')
  assert.equal(net.EnableIPv6, true)
  assert.deepEqual(net.IPAM.Config[1], { Subnet: SUBNET, Gateway: 'fd00:61::1' })
  assert.match(net.IPAM.Config[0].Subnet, /^\d+\.\d+\.\d+\.\d+\/\d+$/, 'an IPv4 pool first, as Docker')

  const a = await v6Of('v6-c1', 'v6-a')
  const b = await v6Of('v6-c2', 'v6-a')
  assert.deepEqual([a.address, b.address].sort(), ['fd00:61::2', 'fd00:61::3'])
  for (const x of [a, b]) assert.deepEqual({ prefix: x.prefix, gateway: x.gateway }, { prefix: 64, gateway: 'fd00:61::1' })
  const id1 = (await d.api('GET', '/v1.47/containers/v6-c1/json')).body.Id as string
  assert.equal(net.Containers[id1].IPv6Address, `${a.address}/64`)

  assert.deepEqual(globalAddrs('v6-c1'), [`${a.address}/64`])
  assert.deepEqual(globalAddrs('v6-c2'), [`${b.address}/64`])
  assert.match(ok(d.docker(['exec', 'v6-c1', 'ip', '-6', 'route'])), /^default via fd00:61::1 dev eth0 /m)
  ok(ping6('v6-c1', b.address), 'c1 → c2')
  ok(ping6('v6-c2', a.address), 'c2 → c1')
  ok(ping6('v6-c1', 'fd00:61::1'), 'the gateway answers')

  for (const [from, name, want] of [['v6-c1', 'v6-c2', b.address], ['v6-c2', 'v6-c1', a.address]] as const) {
    const out = ok(d.docker(['exec', from, 'nslookup', name]), `${from}: nslookup ${name}`)
    assert.match(out, new RegExp(`^Address: ${want}$`, 'm'), out)
    assert.match(out, /^Address: \d+\.\d+\.\d+\.\d+$/m, 'the A answer is still there')
  }
  // by name: ping6 resolves over AAAA
  ok(d.docker(['exec', 'v6-c1', 'ping6', '-c', '1', '-W', '2', 'v6-c2']), 'ping6 by name')
  const hosts = ok(d.docker(['exec', 'v6-c1', 'cat', '/etc/hosts'])).split('\n')
  assert.ok(hosts.includes(`${a.address}\t${id1.slice(0, 12)}`), hosts.join('\n'))
})

test('--ipv6 without a subnet: a random unique local /64; --ip6 is honoured only with a given subnet', async () => {
  for (const cli of CLIS) {
    ok(d[cli](['network', 'create', '--ipv6', `v6-auto-${cli}`]), cli)
    const pool = (await networkOf(`v6-auto-${cli}`)).IPAM.Config[1]
    assert.match(pool.Subnet, /^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){3}::\/64$/, cli)
    assert.equal(pool.Gateway, pool.Subnet.replace('::/64', '::1'), cli)
    const out = ok(d[cli](['run', '--rm', '--network', `v6-auto-${cli}`, 'busybox', 'ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'global']), cli)
    assert.match(out, new RegExp(` inet6 ${pool.Subnet.replace('::/64', '::2')}/64 `), cli)
    const refused = d[cli](['run', '--rm', '--network', `v6-auto-${cli}`, '--ip6', pool.Subnet.replace('::/64', '::9'), 'busybox', 'true'])
    assert.notEqual(refused.code, 0, cli)
    assert.match(refused.stderr, /user specified IP address is supported only when connecting to networks with user configured subnets/, cli)
  }
  const first = (await networkOf('v6-auto-docker')).IPAM.Config[1].Subnet
  assert.notEqual((await networkOf('v6-auto-berth')).IPAM.Config[1].Subnet, first, 'two automatic subnets differ')
  ok(d.docker(['network', 'rm', 'v6-auto-docker', 'v6-auto-berth']))

  for (const [i, cli] of CLIS.entries()) {
    const ip6 = `fd00:61::${0x50 + i}`
    const out = ok(d[cli](['run', '--rm', '--network', 'v6-a', '--ip6', ip6, 'busybox', 'ip', '-6', '-o', 'addr', 'show', 'dev', 'eth0', 'scope', 'global']), cli)
    assert.match(out, new RegExp(` inet6 ${ip6}/64 `), cli)
  }
  ok(d.docker(['run', '-d', '--name', 'v6-fixed', '--network', 'v6-a', '--ip6', 'fd00:61:0::0099', 'busybox', 'sleep', '600']))
  assert.equal((await v6Of('v6-fixed', 'v6-a')).address, 'fd00:61::99')
  // the address is taken while v6-fixed runs
  const taken = d.docker(['run', '--rm', '--network', 'v6-a', '--ip6', 'fd00:61::99', 'busybox', 'true'])
  assert.notEqual(taken.code, 0)
  assert.match(taken.stderr, /Address already in use: fd00:61::99 on network v6-a/)
  ok(d.docker(['rm', '-f', 'v6-fixed']))
})

test('network connect --ip6 live: eth1 gets the address and an IPv6 default route; disconnect releases it', async () => {
  ok(d.docker(['network', 'create', '--subnet', '10.81.0.0/24', 'v6-v4only']))
  ok(d.docker(['run', '-d', '--name', 'v6-live', '--network', 'v6-v4only', 'busybox', 'sleep', '600']))
  const netId = (await networkOf('v6-a')).Id as string
  for (const cli of CLIS) {
    ok(d[cli](['network', 'connect', '--ip6', 'fd00:61::77', 'v6-a', 'v6-live']), `${cli} connect`)
    assert.match(ok(d.docker(['exec', 'v6-live', 'ip', '-6', '-o', 'addr', 'show', 'dev', 'eth1', 'scope', 'global'])), / inet6 fd00:61::77\/64 /, cli)
    assert.match(ok(d.docker(['exec', 'v6-live', 'ip', '-6', 'route'])), /^default via fd00:61::1 dev eth1 /m, cli)
    ok(ping6('v6-live', (await v6Of('v6-c1', 'v6-a')).address), `${cli}: ping6 over eth1`)
    assert.ok(leases6(netId).includes('fd00:61::77'), cli)
    ok(d[cli](['network', 'disconnect', 'v6-a', 'v6-live']), `${cli} disconnect`)
    assert.ok(!leases6(netId).includes('fd00:61::77'), `${cli}: lease kept after disconnect`)
  }
  ok(d.docker(['rm', '-f', 'v6-live']))
  ok(d.docker(['network', 'rm', 'v6-v4only']))
})

test('removing the containers releases their IPv6 leases; the next container takes the first address again', async () => {
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', 'fd00:64::/64', 'v6-rel']))
  const netId = (await networkOf('v6-rel')).Id as string
  ok(d.docker(['run', '-d', '--name', 'v6-r1', '--network', 'v6-rel', 'busybox', 'sleep', '600']))
  ok(d.berth(['run', '-d', '--name', 'v6-r2', '--network', 'v6-rel', 'busybox', 'sleep', '600']))
  assert.deepEqual(leases6(netId), ['fd00:64::2', 'fd00:64::3'])
  ok(d.docker(['rm', '-f', 'v6-r1', 'v6-r2']))
  assert.deepEqual(leases6(netId), [])
  assert.deepEqual((await networkOf('v6-rel')).Containers, {})
  ok(d.docker(['run', '-d', '--name', 'v6-r3', '--network', 'v6-rel', 'busybox', 'sleep', '600']))
  assert.equal((await v6Of('v6-r3', 'v6-rel')).address, 'fd00:64::2')
  ok(d.docker(['stop', '-t', '0', 'v6-r3']))
  assert.deepEqual(leases6(netId), [], 'a stopped container holds no lease')
  ok(d.docker(['rm', 'v6-r3']))
  ok(d.docker(['network', 'rm', 'v6-rel']))
})

test('masquerade towards outside; internal and separate IPv6 networks are isolated', async () => {
  ok(d.docker(['network', 'create', '--ipv6', '--internal', '--subnet', 'fd00:65::/64', 'v6-int']))
  ok(d.docker(['network', 'create', '--ipv6', '--subnet', 'fd00:66::/64', 'v6-b']))
  ok(d.docker(['run', '-d', '--name', 'v6-i1', '--cap-add', 'NET_ADMIN', '--network', 'v6-int', 'busybox', 'sleep', '600']))
  ok(d.docker(['run', '-d', '--name', 'v6-b1', '--network', 'v6-b', 'busybox', 'sleep', '600']))
  assert.equal(ok(d.docker(['exec', 'v6-i1', 'ip', '-6', 'route'])).split('\n').filter((l) => l.startsWith('default')).length, 0, 'no IPv6 default route on an internal network')

  // "Outside": a namespace of this test behind a veth of the daemon's namespace, with no route back
  // to the containers' subnets: only masqueraded traffic gets an answer.
  const outside = `${d.netns}-o6`
  ok(spawnResult('ip', ['netns', 'add', outside]))
  try {
    ok(d.host(['ip', 'link', 'add', 'v6-out0', 'type', 'veth', 'peer', 'name', 'v6-out1', 'netns', outside]))
    ok(d.host(['ip', 'addr', 'add', 'fd99:250::1/64', 'dev', 'v6-out0', 'nodad']))
    ok(d.host(['ip', 'link', 'set', 'v6-out0', 'up']))
    ok(spawnResult('ip', ['-n', outside, 'addr', 'add', 'fd99:250::2/64', 'dev', 'v6-out1', 'nodad']))
    ok(spawnResult('ip', ['-n', outside, 'link', 'set', 'v6-out1', 'up']))
    ok(ping6('v6-c1', 'fd99:250::2'), 'v6-a reaches outside')
    ok(ping6('v6-b1', 'fd99:250::2'), 'v6-b reaches outside')

    const forced = (target: string) => d.docker(['exec', 'v6-i1', 'ping', '-6', '-c', '1', '-W', '2', target])
    ok(d.docker(['exec', 'v6-i1', 'ip', '-6', 'route', 'add', 'default', 'via', 'fd00:65::1']))
    assert.notEqual(forced('fd99:250::2').code, 0, 'an internal network reached outside')
    assert.notEqual(forced((await v6Of('v6-b1', 'v6-b')).address).code, 0, 'an internal network reached another network')
  } finally {
    spawnResult('ip', ['netns', 'del', outside])
  }
  assert.notEqual(ping6('v6-b1', (await v6Of('v6-c1', 'v6-a')).address).code, 0, 'v6-b reached v6-a')
  assert.notEqual(ping6('v6-c1', (await v6Of('v6-b1', 'v6-b')).address).code, 0, 'v6-a reached v6-b')
  const nft = d.host(['nft', 'list', 'table', 'ip6', 'berth']).stdout
  assert.match(nft, /ip6 saddr fd00:66::\/64 oifname != "br-[0-9a-f]{12}" masquerade/)
  assert.doesNotMatch(nft, /fd00:65::/, 'no masquerade for an internal network')
  ok(d.docker(['rm', '-f', 'v6-i1', 'v6-b1']))
  ok(d.docker(['network', 'rm', 'v6-int', 'v6-b']))
  assert.doesNotMatch(d.host(['nft', 'list', 'table', 'ip6', 'berth']).stdout, /fd00:66::/, 'the rule goes with its network')
})

test('after a daemon SIGKILL and restart: the bridge keeps its IPv6 gateway, leases hold, peers answer', { timeout: 120_000 }, async () => {
  const a = await v6Of('v6-c1', 'v6-a')
  const bridge = `br-${((await networkOf('v6-a')).Id as string).slice(0, 12)}`
  await d.kill()
  await d.restart()
  assert.match(d.host(['ip', '-6', '-o', 'addr', 'show', 'dev', bridge, 'scope', 'global']).stdout, / inet6 fd00:61::1\/64 /)
  assert.equal((await v6Of('v6-c1', 'v6-a')).address, a.address)
  ok(d.docker(['run', '-d', '--name', 'v6-after', '--network', 'v6-a', 'busybox', 'sleep', '600']))
  const fresh = await v6Of('v6-after', 'v6-a')
  assert.ok(!['fd00:61::2', 'fd00:61::3'].includes(fresh.address), `a held address was leased again: ${fresh.address}`)
  ok(ping6('v6-after', a.address), 'a new container reaches one that ran through the restart')
  assert.match(ok(d.docker(['exec', 'v6-after', 'nslookup', 'v6-c1'])), new RegExp(`^Address: ${a.address}$`, 'm'))
  ok(d.docker(['rm', '-f', 'v6-after']))
})

// ---- bad input ----

async function hostState() {
  const nets = (await d.api('GET', '/v1.47/networks')).body as Array<{ Id: string; Name: string }>
  const ctrs = (await d.api('GET', '/v1.47/containers/json?all=1')).body as Array<{ Id: string; State: string }>
  const db = new Database(join(d.dataRoot, 'berth.db'), { readonly: true, fileMustExist: true })
  try {
    return {
      networks: nets.map((n) => `${n.Name} ${n.Id}`).sort(),
      containers: ctrs.map((c) => `${c.Id} ${c.State}`).sort(),
      links: d.host(['ip', '-o', 'link']).stdout.split('\n').filter(Boolean).map((l) => l.split(': ')[1]!.replace(/@.*$/, '')).sort(),
      addrs: d.host(['ip', '-6', '-o', 'addr']).stdout.split('\n').filter((l) => l.includes('scope global')).map((l) => l.split(/\s+/).slice(1, 4).join(' ')).sort(),
      nft: d.host(['nft', 'list', 'ruleset']).stdout,
      leases: db.prepare('SELECT network_id, container_id, ip, ip6 FROM endpoints ORDER BY network_id, ip').all(),
      sandboxes: readdirSync(join(d.execRoot, 'netns')).sort(),
    }
  } finally {
    db.close()
  }
}

async function nothingMade(fn: () => Promise<void>): Promise<void> {
  const before = await hostState()
  await fn()
  let now = await hostState()
  for (let i = 0; i < 40 && JSON.stringify(now) !== JSON.stringify(before); i++) {
    await new Promise((r) => setTimeout(r, 50))
    now = await hostState()
  }
  assert.deepEqual(now, before, 'a failed request left something behind')
}

async function apiFails(body: unknown, status: number, message: string, path = '/networks/create'): Promise<void> {
  const r = await d.api('POST', `/v1.47${path}`, body)
  assert.equal(r.status, status, r.text)
  assert.equal(r.body?.message, message)
}

function cliFails(args: string[], message: RegExp): void {
  for (const cli of CLIS) {
    const r = d[cli](args)
    assert.notEqual(r.code, 0, `${cli} ${args.join(' ')}`)
    assert.match(r.stderr, message, `${cli} ${args.join(' ')}`)
  }
}

test('bad IPv6 input is refused and leaves nothing behind', async () => {
  const overlap = 'invalid pool request: Pool overlaps with other one on this address space'
  const net = (Name: string, Config: Array<Record<string, string>>, EnableIPv6 = true) => ({ Name, EnableIPv6, IPAM: { Config } })
  await nothingMade(async () => {
    await apiFails(net('v6-x', [{ Subnet: 'fd00:61::8000:0:0:0/65' }]), 403, overlap)
    await apiFails(net('v6-x', [{ Subnet: 'fd00::/16' }]), 403, overlap)
    await apiFails(net('v6-x', [{ Subnet: 'fd00:70::/64' }, { Subnet: 'fd00:70::/80' }]), 403, overlap)
    cliFails(['network', 'create', '--ipv6', '--subnet', 'fd00:61::/48', 'v6-x'], new RegExp(`Error response from daemon: ${overlap}`))
    await apiFails(net('v6-x', [{ Subnet: 'fd00:71::/64', Gateway: 'fd00:72::1' }]), 400, 'gateway fd00:72::1 is not within subnet fd00:71::/64')
    await apiFails(net('v6-x', [{ Subnet: 'fd00:71::/64', IPRange: 'fd00:72::/80' }]), 400, 'IP range fd00:72::/80 is not within subnet fd00:71::/64')
    await apiFails(net('v6-x', [{ Subnet: 'fd00:71:::/64' }]), 400, 'invalid CIDR address: fd00:71:::/64')
    await apiFails(net('v6-x', [{ Subnet: 'fd00:71::/64' }], false), 400, 'IPv6 subnet fd00:71::/64 given but IPv6 is not enabled (add --ipv6)')
    cliFails(['network', 'create', '--subnet', 'fd00:71::/64', 'v6-x'], /Error response from daemon: IPv6 subnet fd00:71::\/64 given but IPv6 is not enabled/)
    await apiFails({ Name: 'v6-x', Driver: 'macvlan', EnableIPv6: true, Options: { parent: 'lo' } }, 501, 'IPv6 networks (--ipv6) are not supported by berth for the macvlan driver yet')

    // endpoints: outside the subnet, not an IPv6 address, on a network without IPv6
    cliFails(['run', '--rm', '--network', 'v6-a', '--ip6', 'fd00:99::5', 'busybox', 'true'], /no configured subnet or ip-range contain the IP address fd00:99::5/)
    const create = (ip6: string) => ({ Image: 'busybox', HostConfig: { NetworkMode: 'v6-a' }, NetworkingConfig: { EndpointsConfig: { 'v6-a': { IPAMConfig: { IPv6Address: ip6 } } } } })
    for (const bad of ['10.0.0.5', '::ffff:10.0.0.5', '::', 'fd00:61::x'])
      await apiFails(create(bad), 400, `invalid IPv6 address: ${bad}`, '/containers/create?name=v6-x')
    cliFails(['run', '--rm', '--ip6', 'fd00:61::5', 'busybox', 'true'], /user specified IP address is supported only when connecting to networks with user configured subnets/)
  })
})
