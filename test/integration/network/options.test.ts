// Network run options and network features, checked from inside the containers: --ip and
// --mac-address, the resolv.conf and hosts files (--dns*, --add-host, host-gateway, --hostname,
// --domainname), the embedded DNS (aliases, names scoped to a network, short IDs), internal and
// isolated networks, live connect and disconnect, bridge name and MTU options, rm and prune, and a
// macvlan network through the CNI driver. Traffic stays inside namespaces this test creates.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { spawnSync } from 'node:child_process'
import Database from 'better-sqlite3'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const

/** Shared by several tests: no-srv (aliases svc, svc2) on no-dns, no-far on no-dns2. */
let srvId = ''
before(async () => {
  d = await startDaemon('net-opts')
  ok(d.docker(['network', 'create', '--subnet', '10.74.0.0/24', 'no-dns']))
  ok(d.docker(['network', 'create', '--subnet', '10.75.0.0/24', 'no-dns2']))
  srvId = ok(d.docker(['run', '-d', '--name', 'no-srv', '--network', 'no-dns', '--network-alias', 'svc', '--network-alias', 'svc2', 'busybox', 'sleep', '600'])).trim()
  ok(d.berth(['run', '-d', '--name', 'no-far', '--network', 'no-dns2', 'busybox', 'sleep', '600']))
})

after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult, what = ''): string {
  assert.equal(r.code, 0, `${what}\n${r.stderr}`)
  return r.stdout
}

/** The address of a container on a network, from inspect. */
async function ipOf(container: string, network: string): Promise<string> {
  const r = await d.api('GET', `/v1.47/containers/${container}/json`)
  assert.equal(r.status, 200, r.text)
  const ip = r.body.NetworkSettings.Networks[network]?.IPAddress as string | undefined
  assert.ok(ip, `${container} has no address on ${network}`)
  return ip
}

/** Lease rows of a network (the embedded DNS and IPAM read these). */
function leasesOf(networkId: string): string[] {
  const db = new Database(join(d.dataRoot, 'berth.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT container_id FROM endpoints WHERE network_id = ? ORDER BY container_id').all(networkId) as Array<{ container_id: string }>).map((r) => r.container_id)
  } finally {
    db.close()
  }
}

const networkId = async (name: string) => (await d.api('GET', `/v1.47/networks/${name}`)).body.Id as string
const linkExists = (name: string) => d.host(['ip', 'link', 'show', 'dev', name]).code === 0
const meaningful = (text: string) => text.split('\n').filter((l) => l.trim() && !l.startsWith('#'))
const ping = (args: string[], ip: string) => d.docker(['run', '--rm', ...args, 'busybox', 'ping', '-c', '1', '-W', '2', ip])

test('--ip and --mac-address on a user network with --subnet', async () => {
  ok(d.docker(['network', 'create', '--subnet', '10.71.0.0/24', 'no-ip']))
  for (const [i, cli] of CLIS.entries()) {
    const ip = `10.71.0.${50 + i}`
    const mac = `02:42:0a:47:00:${(0x50 + i).toString(16)}`
    const out = ok(d[cli](['run', '--rm', '--network', 'no-ip', '--ip', ip, '--mac-address', mac, 'busybox', 'sh', '-c', 'ip -4 -o addr show dev eth0; cat /sys/class/net/eth0/address']), cli)
    assert.match(out, new RegExp(`^\\d+: eth0\\s+inet ${ip.replace(/\./g, '\\.')}/24 `, 'm'), cli)
    assert.equal(out.trim().split('\n').pop(), mac, cli)
  }
  // inspect reports what was asked for
  ok(d.docker(['run', '-d', '--name', 'no-ip-c', '--network', 'no-ip', '--ip', '10.71.0.99', '--mac-address', '02:42:0a:47:00:99', 'busybox', 'sleep', '600']))
  const net = (await d.api('GET', '/v1.47/networks/no-ip')).body
  const id = (await d.api('GET', '/v1.47/containers/no-ip-c/json')).body.Id as string
  assert.equal(net.Containers[id].IPv4Address, '10.71.0.99/24')
  assert.equal(net.Containers[id].MacAddress, '02:42:0a:47:00:99')
  ok(d.docker(['rm', '-f', 'no-ip-c']))
  ok(d.docker(['network', 'rm', 'no-ip']))
})

test('--dns, --dns-search and --dns-option write resolv.conf on the default bridge', () => {
  for (const cli of CLIS) {
    const out = ok(d[cli](['run', '--rm', '--dns', '10.1.2.3', '--dns', '10.1.2.4', '--dns-search', 'example.test', '--dns-option', 'ndots:3', '--dns-option', 'timeout:1', 'busybox', 'cat', '/etc/resolv.conf']), cli)
    assert.deepEqual(meaningful(out), ['nameserver 10.1.2.3', 'nameserver 10.1.2.4', 'search example.test', 'options ndots:3 timeout:1'], cli)
  }
})

test('on a user network the nameserver is the gateway (embedded DNS) with ndots:0; --dns becomes its upstream', () => {
  ok(d.docker(['network', 'create', '--subnet', '10.72.0.0/24', 'no-resolv']))
  const plain = ok(d.docker(['run', '--rm', '--network', 'no-resolv', 'busybox', 'cat', '/etc/resolv.conf']))
  assert.deepEqual(meaningful(plain), ['nameserver 10.72.0.1', 'options ndots:0'])
  const custom = ok(d.berth(['run', '--rm', '--network', 'no-resolv', '--dns', '10.1.2.3', '--dns-search', 'example.test', '--dns-option', 'ndots:2', 'busybox', 'cat', '/etc/resolv.conf']))
  assert.deepEqual(meaningful(custom), ['nameserver 10.72.0.1', 'search example.test', 'options ndots:2'])
  assert.match(custom, /^# ExtServers: \[10\.1\.2\.3\]$/m)
  ok(d.docker(['network', 'rm', 'no-resolv']))
})

test('--add-host, host-gateway, --hostname and --domainname write /etc/hosts', async () => {
  const gateway = (await d.api('GET', '/v1.47/networks/bridge')).body.IPAM.Config[0].Gateway as string
  ok(d.docker(['network', 'create', '--subnet', '10.73.0.0/24', 'no-hosts']))
  for (const cli of CLIS) {
    for (const net of ['bridge', 'no-hosts']) {
      const out = ok(d[cli](['run', '--rm', '--network', net, '--add-host', 'name:1.2.3.4', '--add-host', 'gw:host-gateway', '--hostname', 'hh', '--domainname', 'dd.test', 'busybox', 'sh', '-c', 'cat /etc/hosts; echo "hostname=$(hostname)"; cat /etc/hostname']), `${cli} on ${net}`)
      const lines = out.trim().split('\n')
      assert.ok(lines.includes('1.2.3.4\tname'), out)
      // host-gateway is the default bridge's gateway, whatever network the container is on
      assert.ok(lines.includes(`${gateway}\tgw`), out)
      assert.ok(lines.some((l) => new RegExp(`^${net === 'bridge' ? '172\\.\\d+\\.\\d+\\.\\d+' : '10\\.73\\.0\\.\\d+'}\\thh\\.dd\\.test\\thh$`).test(l)), out)
      assert.deepEqual(lines.slice(-2), ['hostname=hh', 'hh'])
    }
  }
  ok(d.docker(['network', 'rm', 'no-hosts']))
})

test('names resolve on their own network only: name, --network-alias and short ID; not across networks', async () => {
  const ip = await ipOf('no-srv', 'no-dns')
  for (const name of ['no-srv', 'svc', 'svc2', srvId.slice(0, 12), 'NO-SRV']) {
    const out = ok(d.docker(['run', '--rm', '--network', 'no-dns', 'busybox', 'nslookup', name]), name)
    assert.match(out, new RegExp(`^Address: ${ip.replace(/\./g, '\\.')}$`, 'm'), `${name}:\n${out}`)
  }
  // from the other network, none of these names exist; nor does no-far from no-dns
  for (const name of ['no-srv', 'svc']) {
    const r = d.docker(['run', '--rm', '--network', 'no-dns2', 'busybox', 'nslookup', name])
    assert.notEqual(r.code, 0, `${name} resolved from no-dns2:\n${r.stdout}`)
    assert.doesNotMatch(r.stdout, /^Address: 10\.74\./m)
  }
  const far = d.docker(['run', '--rm', '--network', 'no-dns', 'busybox', 'nslookup', 'no-far'])
  assert.notEqual(far.code, 0, far.stdout)
  assert.doesNotMatch(far.stdout, /^Address: 10\.75\./m)
})

test('two user networks are isolated from each other', async () => {
  const near = await ipOf('no-srv', 'no-dns')
  const far = await ipOf('no-far', 'no-dns2')
  ok(ping(['--network', 'no-dns'], near), 'a peer on the same network answers')
  assert.notEqual(ping(['--network', 'no-dns'], far).code, 0, 'no-dns reached no-dns2')
  assert.notEqual(ping(['--network', 'no-dns2'], near).code, 0, 'no-dns2 reached no-dns')
})

test('an --internal network: its containers talk to each other, not to other networks nor outside', async () => {
  ok(d.docker(['network', 'create', '--internal', '--subnet', '10.76.0.0/24', 'no-int']))
  ok(d.docker(['run', '-d', '--name', 'no-i1', '--network', 'no-int', 'busybox', 'sleep', '600']))
  const inside = await ipOf('no-i1', 'no-int')
  ok(ping(['--network', 'no-int'], inside), 'peers on an internal network')
  assert.match(ok(d.docker(['run', '--rm', '--network', 'no-int', 'busybox', 'nslookup', 'no-i1'])), new RegExp(`^Address: ${inside.replace(/\./g, '\\.')}$`, 'm'))
  assert.deepEqual(ok(d.docker(['run', '--rm', '--network', 'no-int', 'busybox', 'ip', 'route'])).trim().split('\n').filter((l) => l.startsWith('default')), [], 'no default route')

  // "Outside": a namespace of this test behind a veth of the daemon's namespace (a /30, no default route).
  const outside = `${d.netns}-out`
  ok(spawnSyncResult('ip', ['netns', 'add', outside]))
  try {
    ok(d.host(['ip', 'link', 'add', 'no-out0', 'type', 'veth', 'peer', 'name', 'no-out1', 'netns', outside]))
    ok(d.host(['ip', 'addr', 'add', '192.168.250.1/30', 'dev', 'no-out0']))
    ok(d.host(['ip', 'link', 'set', 'no-out0', 'up']))
    ok(spawnSyncResult('ip', ['-n', outside, 'addr', 'add', '192.168.250.2/30', 'dev', 'no-out1']))
    ok(spawnSyncResult('ip', ['-n', outside, 'link', 'set', 'no-out1', 'up']))
    // control: a container on an ordinary network gets out (masqueraded)
    ok(ping(['--network', 'no-dns'], '192.168.250.2'), 'no-dns reaches outside')
    // Even with a default route forced through the gateway, the firewall drops what leaves or enters.
    ok(d.docker(['run', '-d', '--name', 'no-i2', '--cap-add', 'NET_ADMIN', '--network', 'no-int', 'busybox', 'sleep', '600']))
    ok(d.docker(['exec', 'no-i2', 'ip', 'route', 'add', 'default', 'via', '10.76.0.1']))
    const forced = (target: string) => d.docker(['exec', 'no-i2', 'ping', '-c', '1', '-W', '2', target])
    assert.notEqual(forced('192.168.250.2').code, 0, 'an internal network reached outside')
    assert.notEqual(forced(await ipOf('no-srv', 'no-dns')).code, 0, 'an internal network reached another network')
    ok(forced(inside), 'the forced route keeps the peer reachable')
    assert.notEqual(ping(['--network', 'no-dns'], inside).code, 0, 'another network reached an internal one')
  } finally {
    spawnSyncResult('ip', ['netns', 'del', outside])
  }
  ok(d.docker(['rm', '-f', 'no-i1', 'no-i2']))
  ok(d.docker(['network', 'rm', 'no-int']))
})

test('network connect adds eth1 live; disconnect removes it and releases the lease', async () => {
  ok(d.docker(['run', '-d', '--name', 'no-live', '--network', 'no-dns', 'busybox', 'sleep', '600']))
  const id = (await d.api('GET', '/v1.47/containers/no-live/json')).body.Id as string
  const dns2 = await networkId('no-dns2')
  for (const cli of CLIS) {
    ok(d[cli](['network', 'connect', 'no-dns2', 'no-live']), `${cli} connect`)
    assert.match(ok(d.docker(['exec', 'no-live', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1'])), /inet 10\.75\.0\.\d+\/24 /, cli)
    const ip = await ipOf('no-live', 'no-dns2')
    assert.equal((await d.api('GET', '/v1.47/networks/no-dns2')).body.Containers[id]?.IPv4Address, `${ip}/24`)
    assert.ok(leasesOf(dns2).includes(id))
    // the new network answers at once: a peer there and the embedded DNS of that network
    ok(d.docker(['exec', 'no-live', 'ping', '-c', '1', '-W', '2', await ipOf('no-far', 'no-dns2')]), `${cli}: ping over eth1`)

    ok(d[cli](['network', 'disconnect', 'no-dns2', 'no-live']), `${cli} disconnect`)
    assert.deepEqual(ok(d.docker(['exec', 'no-live', 'ls', '/sys/class/net'])).split(/\s+/).filter(Boolean).sort(), ['eth0', 'lo'], cli)
    assert.equal((await d.api('GET', '/v1.47/networks/no-dns2')).body.Containers[id], undefined)
    assert.ok(!leasesOf(dns2).includes(id), `${cli}: lease kept after disconnect`)
    // eth0 is untouched
    ok(d.docker(['exec', 'no-live', 'ping', '-c', '1', '-W', '2', await ipOf('no-srv', 'no-dns')]), `${cli}: eth0 after disconnect`)
  }
  ok(d.docker(['rm', '-f', 'no-live']))
})

test('network connect --ip --alias: the address is used and the alias resolves on that network', async () => {
  ok(d.docker(['run', '-d', '--name', 'no-live', '--network', 'no-dns', 'busybox', 'sleep', '600']))
  for (const [i, cli] of CLIS.entries()) {
    const ip = `10.75.0.${77 + i}`
    ok(d[cli](['network', 'connect', '--ip', ip, '--alias', 'extra', 'no-dns2', 'no-live']), cli)
    assert.match(ok(d.docker(['exec', 'no-live', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1'])), new RegExp(`inet ${ip.replace(/\./g, '\\.')}/24 `))
    const out = ok(d.docker(['run', '--rm', '--network', 'no-dns2', 'busybox', 'nslookup', 'extra']))
    assert.match(out, new RegExp(`^Address: ${ip.replace(/\./g, '\\.')}$`, 'm'))
    ok(d[cli](['network', 'disconnect', 'no-dns2', 'no-live']), cli)
  }
  ok(d.docker(['rm', '-f', 'no-live']))
})

test('-o com.docker.network.bridge.name and the MTU option; network rm deletes the bridge', () => {
  for (const cli of CLIS) {
    ok(d[cli](['network', 'create', '-o', 'com.docker.network.bridge.name=xyz0', '--opt', 'com.docker.network.driver.mtu=1400', 'no-mtu']), cli)
    assert.match(ok(d.host(['ip', '-o', 'link', 'show', 'dev', 'xyz0'])), /^\d+: xyz0: .* mtu 1400 /, cli)
    assert.equal(ok(d[cli](['run', '--rm', '--network', 'no-mtu', 'busybox', 'cat', '/sys/class/net/eth0/mtu'])), '1400\n', cli)
    assert.equal(ok(d[cli](['network', 'rm', 'no-mtu'])), 'no-mtu\n', cli)
    assert.equal(linkExists('xyz0'), false, `${cli}: bridge xyz0 left after network rm`)
  }
})

test('network prune removes unused networks and their bridges, keeps used and built-in ones', async () => {
  for (const cli of CLIS) {
    for (const n of ['no-p1', 'no-p2', 'no-p3']) ok(d.docker(['network', 'create', '--label', 'no.prune=1', '-o', `com.docker.network.bridge.name=${n}`, n]))
    ok(d.docker(['run', '-d', '--name', 'no-p3-user', '--network', 'no-p3', 'busybox', 'sleep', '600']))
    const out = ok(d[cli](['network', 'prune', '-f', '--filter', 'label=no.prune=1']), cli)
    assert.equal(out, 'Deleted Networks:\nno-p1\nno-p2\n\n', cli)
    assert.equal(linkExists('no-p1') || linkExists('no-p2'), false, 'pruned bridges left')
    assert.equal(linkExists('no-p3'), true)
    const names = ok(d.docker(['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n')
    for (const n of ['bridge', 'host', 'none', 'no-p3']) assert.ok(names.includes(n), `${n} pruned by ${cli}`)
    assert.ok(!names.includes('no-p1') && !names.includes('no-p2'))
    // nothing left to prune prints nothing
    assert.equal(ok(d[cli](['network', 'prune', '-f', '--filter', 'label=no.prune=1'])), '')
    ok(d.docker(['rm', '-f', 'no-p3-user']))
    ok(d.docker(['network', 'rm', 'no-p3']))
  }
})

test('macvlan through CNI: two containers ping each other; rm takes the interfaces away', async () => {
  // This kernel has no dummy or ipvlan driver: a veth end in the daemon's namespace is the parent.
  ok(d.host(['ip', 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'p1']))
  try {
    ok(d.host(['ip', 'link', 'set', 'p0', 'up']))
    ok(d.host(['ip', 'link', 'set', 'p1', 'up']))
    ok(d.docker(['network', 'create', '-d', 'macvlan', '--subnet', '10.77.0.0/24', '-o', 'parent=p0', 'mv']))
    const mv = await networkId('mv')
    assert.equal((await d.api('GET', '/v1.47/networks/mv')).body.Driver, 'macvlan')
    const ids = [
      ok(d.docker(['run', '-d', '--name', 'no-m1', '--network', 'mv', 'busybox', 'sleep', '600'])).trim(),
      ok(d.berth(['run', '-d', '--name', 'no-m2', '--network', 'mv', 'busybox', 'sleep', '600'])).trim(),
    ]
    const [ip1, ip2] = [await ipOf('no-m1', 'mv'), await ipOf('no-m2', 'mv')]
    assert.match(ip1, /^10\.77\.0\.\d+$/)
    assert.match(ok(d.docker(['exec', 'no-m1', 'ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'])), new RegExp(`inet ${ip1.replace(/\./g, '\\.')}/24 `))
    ok(d.docker(['exec', 'no-m1', 'ping', '-c', '1', '-W', '2', ip2]), 'm1 → m2')
    ok(d.docker(['exec', 'no-m2', 'ping', '-c', '1', '-W', '2', ip1]), 'm2 → m1')
    assert.deepEqual(leasesOf(mv).sort(), [...ids].sort())
    // macvlan ends live in the sandboxes, never in the daemon's namespace
    assert.equal(d.host(['ip', '-o', 'link', 'show', 'type', 'macvlan']).stdout, '')

    ok(d.docker(['rm', '-f', 'no-m1', 'no-m2']))
    assert.deepEqual(leasesOf(mv), [])
    const pins = readdirSync(join(d.execRoot, 'netns'))
    for (const id of ids) assert.ok(!pins.includes(id), `sandbox of ${id} left`)
    assert.equal(d.host(['ip', '-o', 'link', 'show', 'type', 'macvlan']).stdout, '')
    assert.equal(ok(d.docker(['network', 'rm', 'mv'])), 'mv\n')
    assert.equal(linkExists('p0'), true, 'the parent stays')
  } finally {
    d.host(['ip', 'link', 'del', 'p0'])
  }
})

// last: it removes the shared containers and networks
test('network rm of the remaining user networks leaves only the built-in ones and berth0', () => {
  ok(d.docker(['rm', '-f', 'no-srv', 'no-far']))
  ok(d.berth(['network', 'rm', 'no-dns', 'no-dns2']))
  assert.deepEqual(ok(d.docker(['network', 'ls', '--format', '{{.Name}}'])).trim().split('\n').sort(), ['bridge', 'host', 'none'])
  const links = d.host(['ip', '-o', 'link']).stdout.split('\n').filter(Boolean).map((l) => l.split(': ')[1]!)
  assert.deepEqual(links.sort(), ['berth0', 'lo'])
})

function spawnSyncResult(file: string, args: string[]): RunResult {
  const r = spawnSync(file, args, { encoding: 'utf8' })
  return { code: r.status ?? 1, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}
