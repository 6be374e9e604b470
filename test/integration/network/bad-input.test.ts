// Bad network input through the API and both CLIs: overlapping subnets, invalid CIDRs, a gateway
// outside its subnet, ports 0 and 70000, a taken host port, removing a network in use or a
// built-in one, connecting twice, and the option combinations Docker refuses. Each failure gives
// Docker's status and one-line message, and leaves nothing half-made: the network list, the
// devices and the nftables ruleset of the daemon's namespace, the containers, the leases and the
// sandbox pins are what they were before. Successful network responses are checked against
// Docker's published schema for both ends of the API range (v1.41, v1.47).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'

let d: TestDaemon
/** a user network with a subnet, nb-run running on it, nb-web publishing 127.0.0.1:18080 */
let netA = ''
const SUBNET_A = '10.61.0.0/24'
const CLIS = ['docker', 'berth'] as const

before(async () => {
  d = await startDaemon('net-bad')
  ok(d.docker(['network', 'create', '--subnet', SUBNET_A, 'nb-a']))
  netA = (await d.api('GET', '/networks/nb-a')).body.Id
  ok(d.docker(['network', 'create', 'nb-auto']))
  ok(d.docker(['run', '-d', '--name', 'nb-run', '--network', 'nb-a', 'busybox', 'sleep', '600']))
  ok(d.docker(['run', '-d', '--name', 'nb-web', '-p', '127.0.0.1:18080:80', 'busybox', 'sleep', '600']))
})

after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult): string {
  assert.equal(r.code, 0, r.stderr)
  return r.stdout.trim()
}

// ---- what must not change ----

interface HostState {
  networks: string[]
  links: string[]
  nft: string
  containers: string[]
  leases: unknown[]
  sandboxes: string[]
}

function leases(): unknown[] {
  const db = new Database(join(d.dataRoot, 'berth.db'), { readonly: true, fileMustExist: true })
  try {
    return db.prepare('SELECT network_id, container_id, ip FROM endpoints ORDER BY network_id, ip').all()
  } finally {
    db.close()
  }
}

async function hostState(): Promise<HostState> {
  const nets = (await d.api('GET', '/v1.47/networks')).body as Array<{ Id: string; Name: string }>
  const ctrs = (await d.api('GET', '/v1.47/containers/json?all=1')).body as Array<{ Id: string; State: string }>
  return {
    networks: nets.map((n) => `${n.Name} ${n.Id}`).sort(),
    // names only: flags such as NO-CARRIER change as ports come and go
    links: d.host(['ip', '-o', 'link']).stdout.split('\n').filter(Boolean).map((l) => l.split(': ')[1]!.replace(/@.*$/, '')).sort(),
    nft: d.host(['nft', 'list', 'ruleset']).stdout,
    containers: ctrs.map((c) => `${c.Id} ${c.State}`).sort(),
    leases: leases(),
    sandboxes: readdirSync(join(d.execRoot, 'netns')).sort(),
  }
}

/** Runs `fn` (which must fail) and checks that the host looks as it did before. */
async function nothingMade(fn: () => Promise<void> | void): Promise<void> {
  const before = await hostState()
  await fn()
  // a failed start releases its sandbox just after the reply; give it a moment
  let now = await hostState()
  for (let i = 0; i < 40 && JSON.stringify(now) !== JSON.stringify(before); i++) {
    await new Promise((r) => setTimeout(r, 50))
    now = await hostState()
  }
  assert.deepEqual(now, before, 'a failed request left something behind')
}

/** The error lines of a CLI's stderr: without docker's usage hint and docker 28's closing "exit status N". */
const errorLines = (stderr: string) =>
  stderr.split('\n').filter((l) => l.trim() && !/^Run '\S+ [\w -]+ --help' for more information$/.test(l) && !/^exit status \d+$/.test(l))

/** Both CLIs fail with `code` and exactly one error line: `message` (run/create lines carry the program's name first). */
function cliFails(args: string[], code: number, message: string | RegExp): void {
  for (const cli of CLIS) {
    const r = d[cli](args)
    assert.equal(r.code, code, `${cli} ${args.join(' ')}: exit ${r.code}\n${r.stderr}`)
    const lines = errorLines(r.stderr)
    assert.equal(lines.length, 1, `${cli} ${args.join(' ')}: one error line expected:\n${r.stderr}`)
    const line = lines[0]!.replace(new RegExp(`^${cli}: `), '')
    if (typeof message === 'string') assert.equal(line, message, `${cli} ${args.join(' ')}`)
    else assert.match(line, message, `${cli} ${args.join(' ')}`)
  }
}

async function apiFails(method: string, path: string, body: unknown, status: number, message: string | RegExp, version = '1.47'): Promise<void> {
  const r = await d.api(method, `/v${version}${path}`, body)
  assert.equal(r.status, status, `${method} ${path}: ${r.text}`)
  if (typeof message === 'string') assert.equal(r.body?.message, message)
  else assert.match(r.body?.message ?? '', message)
}

const daemonSays = (m: string) => `Error response from daemon: ${m}`
const createNet = (name: string, config: Array<Record<string, string>>, extra: Record<string, unknown> = {}) =>
  ({ Name: name, IPAM: { Config: config }, ...extra })

// ---- network create ----

test('an overlapping subnet is refused (403), also against the default bridge and within one request', async () => {
  const overlap = 'invalid pool request: Pool overlaps with other one on this address space'
  const bridgeSubnet = (await d.api('GET', '/v1.47/networks/bridge')).body.IPAM.Config[0].Subnet as string
  await nothingMade(async () => {
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.61.0.128/25' }]), 403, overlap)
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.0.0.0/8' }]), 403, overlap)
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: bridgeSubnet }]), 403, overlap)
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.62.0.0/24' }, { Subnet: '10.62.0.0/25' }]), 403, overlap)
    cliFails(['network', 'create', '--subnet', '10.61.0.0/16', 'nb-x'], 1, daemonSays(overlap))
    cliFails(['network', 'create', '--subnet', bridgeSubnet, 'nb-x'], 1, daemonSays(overlap))
  })
})

test('an invalid CIDR is refused (400) with Go’s words', async () => {
  await nothingMade(async () => {
    for (const bad of ['10.63.0.0/33', 'bogus', '10.63.0.0', '300.1.1.0/24']) {
      await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: bad }]), 400, `invalid CIDR address: ${bad}`)
      cliFails(['network', 'create', '--subnet', bad, 'nb-x'], 1, daemonSays(`invalid CIDR address: ${bad}`))
    }
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.63.0.0/24', IPRange: '10.63.0.0/40' }]), 400, 'invalid CIDR address: 10.63.0.0/40')
  })
})

test('a gateway or an IP range outside the subnet is refused', async () => {
  await nothingMade(async () => {
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.64.0.0/24', Gateway: '10.64.1.1' }]), 400, 'gateway 10.64.1.1 is not within subnet 10.64.0.0/24')
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.64.0.0/24', Gateway: 'bogus' }]), 400, 'invalid IP address: bogus')
    await apiFails('POST', '/networks/create', createNet('nb-x', [{ Subnet: '10.64.0.0/24', IPRange: '10.65.0.0/25' }]), 400, 'IP range 10.65.0.0/25 is not within subnet 10.64.0.0/24')
    // both CLIs pair --gateway with its subnet before asking the daemon
    cliFails(['network', 'create', '--subnet', '10.64.0.0/24', '--gateway', '10.64.1.1', 'nb-x'], 1, 'no matching subnet for gateway 10.64.1.1')
    cliFails(['network', 'create', '--subnet', '10.64.0.0/24', '--ip-range', '10.65.0.0/25', 'nb-x'], 1, 'no matching subnet for range 10.65.0.0/25')
  })
})

test('a taken name, a taken bridge name and a bad MTU are refused', async () => {
  await nothingMade(async () => {
    await apiFails('POST', '/networks/create', createNet('nb-a', [{ Subnet: '10.66.0.0/24' }]), 409, 'network with name nb-a already exists')
    cliFails(['network', 'create', 'nb-a'], 1, daemonSays('network with name nb-a already exists'))
    await apiFails('POST', '/networks/create', { Name: 'nb-x', Options: { 'com.docker.network.bridge.name': 'berth0' } }, 409, 'bridge name berth0 is already in use by another network')
    await apiFails('POST', '/networks/create', { Name: 'nb-x', Options: { 'com.docker.network.driver.mtu': 'abc' } }, 400, 'invalid MTU value "abc"')
    await apiFails('POST', '/networks/create', { Name: 'nb-x', Options: { 'com.docker.network.bridge.name': 'a-name-far-too-long0' } }, 400, 'invalid bridge name "a-name-far-too-long0"')
  })
})

test('a bridge name that belongs to a device that is not a bridge is refused, and that device is left alone', async () => {
  ok(d.host(['ip', 'link', 'add', 'nbveth0', 'type', 'veth', 'peer', 'name', 'nbveth1']))
  try {
    await nothingMade(async () => {
      await apiFails('POST', '/networks/create', { Name: 'nb-x', Options: { 'com.docker.network.bridge.name': 'nbveth0' } }, 409, 'existing interface nbveth0 is not a bridge')
    })
    assert.equal(d.host(['ip', '-o', 'addr', 'show', 'dev', 'nbveth0']).stdout.includes('inet '), false, 'no address given to nbveth0')
  } finally {
    d.host(['ip', 'link', 'del', 'nbveth0'])
  }
})

// ---- built-in networks, networks in use, connect twice ----

test('built-in networks cannot be removed (403)', async () => {
  await nothingMade(async () => {
    for (const name of ['bridge', 'host', 'none']) {
      await apiFails('DELETE', `/networks/${name}`, undefined, 403, `${name} is a pre-defined network and cannot be removed`)
      cliFails(['network', 'rm', name], 1, daemonSays(`${name} is a pre-defined network and cannot be removed`))
    }
  })
})

test('a network with a running container cannot be removed (403)', async () => {
  const inUse = `error while removing network: network nb-a id ${netA} has active endpoints`
  await nothingMade(async () => {
    await apiFails('DELETE', '/networks/nb-a', undefined, 403, inUse)
    cliFails(['network', 'rm', 'nb-a'], 1, daemonSays(inUse))
  })
  ok(d.docker(['exec', 'nb-run', 'true']))
})

test('connecting a container twice to the same network is refused (403); a running one keeps one interface', async () => {
  const twice = 'endpoint with name nb-run already exists in network nb-a'
  await nothingMade(async () => {
    await apiFails('POST', '/networks/nb-a/connect', { Container: 'nb-run' }, 403, twice)
    cliFails(['network', 'connect', 'nb-a', 'nb-run'], 1, daemonSays(twice))
    cliFails(['network', 'connect', '--ip', '10.61.0.200', 'nb-a', 'nb-run'], 1, daemonSays(twice))
  })
  assert.equal(ok(d.docker(['exec', 'nb-run', 'ls', '/sys/class/net'])).split(/\s+/).sort().join(' '), 'eth0 lo')
  // a created container is refused the same way, before it ever runs
  ok(d.docker(['create', '--name', 'nb-idle', '--network', 'nb-a', 'busybox']))
  try {
    await nothingMade(async () => {
      await apiFails('POST', '/networks/nb-a/connect', { Container: 'nb-idle' }, 403, 'endpoint with name nb-idle already exists in network nb-a')
    })
  } finally {
    ok(d.docker(['rm', 'nb-idle']))
  }
})

test('connect and disconnect name what is missing', async () => {
  await nothingMade(async () => {
    await apiFails('POST', '/networks/nb-nope/connect', { Container: 'nb-run' }, 404, 'network nb-nope not found')
    await apiFails('POST', '/networks/nb-a/connect', { Container: 'nb-ghost' }, 404, 'No such container: nb-ghost')
    await apiFails('POST', '/networks/nb-a/connect', {}, 400, 'no container specified')
    cliFails(['network', 'connect', 'nb-nope', 'nb-run'], 1, daemonSays('network nb-nope not found'))
    cliFails(['network', 'connect', 'nb-a', 'nb-ghost'], 1, daemonSays('No such container: nb-ghost'))
    cliFails(['network', 'disconnect', 'nb-auto', 'nb-run'], 1, /^Error response from daemon: container [0-9a-f]{64} is not connected to network nb-auto$/)
  })
})

// ---- published ports ----

test('port 0 and port 70000 are refused at create (400 / exit 125)', async () => {
  const create = (bindings: Record<string, Array<{ HostPort: string }>>) => ({ Image: 'busybox', HostConfig: { PortBindings: bindings } })
  await nothingMade(async () => {
    await apiFails('POST', '/containers/create', create({ '0/tcp': [{ HostPort: '8080' }] }), 400, 'invalid port specification: "0"')
    await apiFails('POST', '/containers/create', create({ '70000/tcp': [{ HostPort: '8080' }] }), 400, 'invalid port specification: "70000"')
    await apiFails('POST', '/containers/create', create({ '80/tcp': [{ HostPort: '70000' }] }), 400, 'invalid port specification: "70000"')
    cliFails(['run', '--rm', '-p', '0', 'busybox', 'true'], 125, daemonSays('invalid port specification: "0"'))
    cliFails(['run', '--rm', '-p', '8080:0', 'busybox', 'true'], 125, daemonSays('invalid port specification: "0"'))
    // the CLIs parse these themselves
    cliFails(['run', '--rm', '-p', '70000:80', 'busybox', 'true'], 125, 'invalid hostPort: 70000')
    cliFails(['create', '-p', '80:70000', 'busybox', 'true'], 125, 'invalid containerPort: 70000')
  })
})

test('a host port taken by another container fails the start and leaves no sandbox', async () => {
  const taken = 'Bind for 127.0.0.1:18080 failed: port is already allocated'
  // run --rm: the container goes with its failed start
  await nothingMade(() => cliFails(['run', '-d', '--rm', '-p', '127.0.0.1:18080:80', 'busybox', 'sleep', '60'], 125, daemonSays(taken)))
  // without --rm it stays created, with the error recorded, and owns nothing on the network
  const r = await d.api('POST', '/v1.47/containers/create?name=nb-clash', { Image: 'busybox', Cmd: ['sleep', '60'], HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '18080' }] } } })
  assert.equal(r.status, 201, r.text)
  try {
    await nothingMade(async () => {
      await apiFails('POST', '/containers/nb-clash/start', undefined, 409, taken)
    })
    const c = (await d.api('GET', '/v1.47/containers/nb-clash/json')).body
    assert.equal(c.State.Status, 'created')
    assert.equal(c.State.Error, taken)
    // the port still answers for its owner
    assert.equal(d.host(['nft', 'list', 'map', 'ip', 'berth', 'pub_addr']).stdout.includes('127.0.0.1 . tcp . 18080'), true)
  } finally {
    await d.api('DELETE', '/v1.47/containers/nb-clash')
  }
})

// ---- run options Docker refuses ----

test('--ip needs a network with a user-configured subnet', async () => {
  const noSubnet = 'user specified IP address is supported only when connecting to networks with user configured subnets'
  await nothingMade(async () => {
    await apiFails('POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'nb-auto' }, NetworkingConfig: { EndpointsConfig: { 'nb-auto': { IPAMConfig: { IPv4Address: '172.30.0.9' } } } } }, 400, noSubnet)
    cliFails(['run', '--rm', '--network', 'nb-auto', '--ip', '172.30.0.9', 'busybox', 'true'], 125, daemonSays(noSubnet))
    cliFails(['run', '--rm', '--ip', '172.17.0.99', 'busybox', 'true'], 125, daemonSays(noSubnet))
    // outside the subnet, and an address already leased
    cliFails(['run', '--rm', '--network', 'nb-a', '--ip', '10.99.0.5', 'busybox', 'true'], 125, daemonSays('no configured subnet or ip-range contain the IP address 10.99.0.5'))
  })
  const leased = (await d.api('GET', '/v1.47/containers/nb-run/json')).body.NetworkSettings.Networks['nb-a'].IPAddress as string
  await nothingMade(() => cliFails(['run', '--rm', '--network', 'nb-a', '--ip', leased, 'busybox', 'true'], 125, daemonSays(`Address already in use: ${leased} on network nb-a`)))
})

test('--network-alias on the default bridge is refused', async () => {
  await nothingMade(async () => {
    await apiFails('POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'bridge' }, NetworkingConfig: { EndpointsConfig: { bridge: { Aliases: ['x'] } } } }, 400, 'network-scoped alias is supported only for containers in user defined networks')
    // the CLIs refuse it themselves
    cliFails(['run', '--rm', '--network-alias', 'x', 'busybox', 'true'], 125, 'network-scoped aliases are only supported for user-defined networks')
  })
})

test('--network container:X refuses -p, -P, --expose, --hostname, --dns, --add-host and --mac-address', async () => {
  const mode = 'container:nb-run'
  await nothingMade(async () => {
    for (const [flags, message] of [
      [['-p', '8080:80'], 'conflicting options: port publishing and the container type network mode'],
      [['-P', '--expose', '80'], 'conflicting options: port publishing and the container type network mode'],
      [['--expose', '80'], 'conflicting options: port exposing and the container type network mode'],
      [['--hostname', 'h'], 'conflicting options: hostname and the network mode'],
      [['--dns', '10.1.2.3'], 'conflicting options: dns and the network mode'],
      [['--add-host', 'a:10.1.2.3'], 'conflicting options: custom host-to-IP mapping and the network mode'],
      [['--link', 'nb-web'], "conflicting options: container type network can't be used with links. This would result in undefined behavior"],
    ] as const) {
      cliFails(['run', '--rm', '--network', mode, ...flags, 'busybox', 'true'], 125, daemonSays(message))
    }
    await apiFails('POST', '/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: mode, PublishAllPorts: true } }, 400, 'conflicting options: port publishing and the container type network mode')
    // The container-wide MAC address (API < 1.44; newer clients send it per endpoint, which
    // dockerd ignores in this mode, so docker 28's `--mac-address` is refused only through old APIs).
    await apiFails('POST', '/containers/create', { Image: 'busybox', MacAddress: '02:42:ac:11:00:09', HostConfig: { NetworkMode: mode } }, 400, 'conflicting options: mac-address and the network mode', '1.41')
  })
})

test('--link with --network host is refused; -p with it warns and runs', async () => {
  await nothingMade(async () => {
    cliFails(['run', '--rm', '--network', 'host', '--link', 'nb-web', 'busybox', 'true'], 125, daemonSays("conflicting options: host type networking can't be used with links. This would result in undefined behavior"))
  })
  await nothingMade(async () => {
    for (const cli of CLIS) {
      const r = d[cli](['run', '--rm', '--network', 'host', '-p', '18081:80', 'busybox', 'echo', 'ran'])
      assert.equal(r.code, 0, `${cli}: ${r.stderr}`)
      assert.equal(r.stdout, 'ran\n')
      assert.equal(r.stderr, 'WARNING: Published ports are discarded when using host network mode\n', cli)
    }
    const r = await d.api('POST', '/v1.47/containers/create', { Image: 'busybox', HostConfig: { NetworkMode: 'host', PortBindings: { '80/tcp': [{ HostPort: '18081' }] } } })
    assert.equal(r.status, 201, r.text)
    assert.deepEqual(r.body.Warnings, ['Published ports are discarded when using host network mode'])
    assert.equal((await d.api('DELETE', `/v1.47/containers/${r.body.Id}`)).status, 204)
  })
})

// ---- successful responses against Docker's schema ----

for (const v of ['1.41', '1.47']) {
  describe(`network responses conform to the v${v} schema`, () => {
    const conform = async (method: string, template: string, path: string, status: number, body?: unknown) => {
      const r = await d.api(method, `/v${v}${path}`, body)
      assert.equal(r.status, status, `${method} ${path}: ${r.text}`)
      const ms = validateResponse(method, template, status, r.body, v)
      assert.equal(formatMismatches(ms), '', `${method} /v${v}${path} against v${v}:\n${formatMismatches(ms)}`)
      return r
    }

    test('POST /networks/create, GET /networks, GET /networks/{id} (user, built-in, with a container)', async () => {
      const name = `nb-schema-${v.replace('.', '-')}`
      const created = await conform('POST', '/networks/create', '/networks/create', 201, { Name: name, Labels: { v }, IPAM: { Config: [{ Subnet: v === '1.41' ? '10.67.0.0/24' : '10.68.0.0/24', Gateway: v === '1.41' ? '10.67.0.254' : '10.68.0.254' }] } })
      assert.match(created.body.Id, /^[0-9a-f]{64}$/)
      assert.equal(created.body.Warning, '')
      try {
        const list = await conform('GET', '/networks', '/networks', 200)
        assert.deepEqual((list.body as Array<{ Name: string }>).map((n) => n.Name).sort(), ['bridge', 'host', name, 'nb-a', 'nb-auto', 'none'].sort())
        await conform('GET', '/networks', `/networks?filters=${encodeURIComponent(JSON.stringify({ type: ['custom'] }))}`, 200)
        const mine = await conform('GET', '/networks/{id}', `/networks/${created.body.Id}`, 200)
        assert.equal(mine.body.Name, name)
        assert.deepEqual(mine.body.IPAM.Config, [{ Subnet: v === '1.41' ? '10.67.0.0/24' : '10.68.0.0/24', Gateway: v === '1.41' ? '10.67.0.254' : '10.68.0.254' }])
        for (const ref of ['bridge', 'host', 'none']) await conform('GET', '/networks/{id}', `/networks/${ref}`, 200)
        const busy = await conform('GET', '/networks/{id}', '/networks/nb-a', 200)
        const runId = (await d.api('GET', '/v1.47/containers/nb-run/json')).body.Id as string
        assert.equal(busy.body.Containers[runId].Name, 'nb-run')
        assert.match(busy.body.Containers[runId].IPv4Address, /^10\.61\.0\.\d+\/24$/)
      } finally {
        assert.equal((await d.api('DELETE', `/v1.47/networks/${created.body.Id}`)).status, 204)
      }
    })
  })
}
