import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createFlags } from './container.js'
import { buildCreateRequest, type BodyDeps } from './create-body.js'
import { emptyEndpoint } from './network-opts.js'
import { parseFlags } from './parser.js'

interface Captured { argv: string[]; url: string; body: Record<string, any> }
const fixture = new URL('../../../test/compat/cli-parse/docker-create-bodies.json', import.meta.url)
const cases = JSON.parse(readFileSync(fixture, 'utf8')) as Captured[]

const deps = (env: Record<string, string> = {}): BodyDeps => ({
  env: (n) => env[n],
  readFile: () => { throw new Error('no files in this test') },
  cwd: '/work',
  consoleSize: [0, 0],
})

const sortBinds = (b: Record<string, any>) => {
  if (Array.isArray(b.HostConfig.Binds)) b.HostConfig.Binds = [...b.HostConfig.Binds].sort()
  return b
}

for (const c of cases) {
  test(`create body matches docker: ${c.argv.join(' ')}`, () => {
    const pathEntry = (c.body.Env as string[] | null)?.find((e) => e.startsWith('PATH='))
    const env: Record<string, string> = pathEntry ? { PATH: pathEntry.slice(5) } : {}
    const parsed = parseFlags(c.argv.slice(1), createFlags, { stopAtPositional: true })
    const req = buildCreateRequest(parsed, deps(env))
    assert.deepEqual(sortBinds(req.body), sortBinds(structuredClone(c.body)))
    const url = new URL(c.url, 'http://x')
    assert.equal(req.name, url.searchParams.get('name') ?? undefined)
    assert.equal(req.platform, url.searchParams.get('platform') ?? undefined)
  })
}

test('--rm with --restart is refused as docker does', () => {
  const parsed = parseFlags(['--rm', '--restart', 'always', 'busybox'], createFlags, { stopAtPositional: true })
  assert.throws(() => buildCreateRequest(parsed, deps()), /conflicting options: cannot specify both --restart and --rm/)
})

test('tty console size is sent only with -t', () => {
  const d = { ...deps(), consoleSize: [24, 80] as [number, number] }
  const t = buildCreateRequest(parseFlags(['-t', 'busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual((t.body.HostConfig as any).ConsoleSize, [24, 80])
  const n = buildCreateRequest(parseFlags(['busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual((n.body.HostConfig as any).ConsoleSize, [0, 0])
})

test('env file lines come before -e and unset names stay bare', () => {
  const d = { ...deps({ HOME: '/root' }), readFile: () => '# comment\nA=1\n\n  HOME\nNOPE\n' }
  const r = buildCreateRequest(parseFlags(['--env-file', 'f', '-e', 'B=2', 'busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual(r.body.Env, ['A=1', 'HOME=/root', 'NOPE', 'B=2'])
})

test('invalid pid mode', () => {
  const r = parseFlags(['--pid', 'bogus', 'busybox'], createFlags, { stopAtPositional: true })
  assert.throws(() => buildCreateRequest(r, deps()), /--pid: invalid PID mode/)
})

// Network flags: bodies captured from docker 28.2.2 (the client drops Config.MacAddress at API
// 1.44+, see client/version-gates.ts; the builder keeps it, as docker's parse does).
const build = (argv: string[]) => buildCreateRequest(parseFlags(argv, createFlags, { stopAtPositional: true }), deps()).body as Record<string, any>
const ep = (over: Record<string, unknown> = {}) => ({ ...emptyEndpoint(), ...over })

test('--ip, --ip6, --mac-address, --link-local-ip, --network-alias and --link describe the first network', () => {
  const b = build(['--network', 'mynet', '--network-alias', 'a', '--network-alias', 'b', '--ip', '10.0.0.5', '--ip6', 'fd00::5',
    '--mac-address', '92:d0:c6:0a:29:33', '--link-local-ip', '169.254.0.5', '--link', 'c1:al', 'busybox'])
  assert.equal(b.MacAddress, '92:d0:c6:0a:29:33')
  assert.equal(b.HostConfig.NetworkMode, 'mynet')
  assert.deepEqual(b.HostConfig.Links, ['c1:al'])
  assert.deepEqual(b.NetworkingConfig.EndpointsConfig, {
    mynet: ep({
      IPAMConfig: { IPv4Address: '10.0.0.5', IPv6Address: 'fd00::5', LinkLocalIPs: ['169.254.0.5'] },
      Links: ['c1:al'], Aliases: ['a', 'b'], MacAddress: '92:d0:c6:0a:29:33',
    }),
  })
})

test('on the default network --link stays a legacy link and the MAC goes to the default endpoint', () => {
  const b = build(['--mac-address', '92:d0:c6:0a:29:33', '--link', 'c1', 'busybox'])
  assert.equal(b.HostConfig.NetworkMode, 'default')
  assert.deepEqual(b.HostConfig.Links, ['c1'])
  assert.deepEqual(b.NetworkingConfig.EndpointsConfig, { default: ep({ MacAddress: '92:d0:c6:0a:29:33' }) })
})

test('--network long syntax (lower-cased, as docker does) and a second network', () => {
  const b = build(['--network', 'name=Net1,alias=X,ip=10.1.0.2,mac-address=02:42:ac:11:00:02,driver-opt=k=v,gw-priority=5,link-local-ip=169.254.9.9',
    '--network', 'net2', '--link', 'c1:z', 'busybox'])
  assert.equal(b.HostConfig.NetworkMode, 'net1')
  assert.equal(b.MacAddress, '02:42:ac:11:00:02')
  assert.deepEqual(b.NetworkingConfig.EndpointsConfig, {
    net1: ep({
      IPAMConfig: { IPv4Address: '10.1.0.2', LinkLocalIPs: ['169.254.9.9'] }, Links: ['c1:z'], Aliases: ['x'],
      MacAddress: '02:42:ac:11:00:02', DriverOpts: { k: 'v' }, GwPriority: 5,
    }),
    net2: ep(),
  })
})

test('--dns is canonicalized, --dns-search loses its dot, --add-host is sent as host:ip', () => {
  const b = build(['--dns', '0:0::1', '--dns', '8.8.8.8', '--dns-search', 'example.com.', '--dns-search', '.', '--dns-opt', 'ndots:2',
    '--add-host', 'h=1.2.3.4', '--add-host', 'h6=[::1]', '--add-host', 'gw:host-gateway', '--hostname', 'hh', '--domainname', 'dd',
    '-p', '80', '-P', '--expose', '90', 'busybox'])
  assert.equal(b.Hostname, 'hh')
  assert.equal(b.Domainname, 'dd')
  assert.equal('MacAddress' in b, false)
  assert.deepEqual(b.ExposedPorts, { '80/tcp': {}, '90/tcp': {} })
  assert.deepEqual(b.HostConfig.Dns, ['::1', '8.8.8.8'])
  assert.deepEqual(b.HostConfig.DnsOptions, ['ndots:2'])
  assert.deepEqual(b.HostConfig.DnsSearch, ['example.com', '.'])
  assert.deepEqual(b.HostConfig.ExtraHosts, ['h:1.2.3.4', 'h6:::1', 'gw:host-gateway'])
  assert.deepEqual(b.HostConfig.PortBindings, { '80/tcp': [{ HostIp: '', HostPort: '' }] })
  assert.equal(b.HostConfig.PublishAllPorts, true)
  assert.deepEqual(b.NetworkingConfig.EndpointsConfig, { default: ep() })
})

test('a single network with no endpoint options sends no endpoint', () => {
  assert.deepEqual(build(['--network', 'mynet', 'busybox']).NetworkingConfig.EndpointsConfig, {})
  assert.deepEqual(build(['--network', 'container:abc', 'busybox']).NetworkingConfig.EndpointsConfig, {})
})

test('network option conflicts fail with docker words', () => {
  const fails = (argv: string[], message: string) => assert.throws(() => build([...argv, 'busybox']), { message })
  fails(['--network-alias', 'a'], 'network-scoped aliases are only supported for user-defined networks')
  fails(['--network', 'host', '--network', 'mynet'], 'conflicting options: cannot attach both user-defined and non-user-defined network-modes')
  fails(['--network', 'mynet', '--network', 'mynet'], 'network "mynet" is specified multiple times')
  fails(['--network', 'name=x,alias=a', '--network-alias', 'b'], 'conflicting options: cannot specify both --network-alias and per-network alias')
  fails(['--network', 'name=x,ip=10.0.0.1', '--ip', '10.0.0.2'], 'conflicting options: cannot specify both --ip and per-network IPv4 address')
  fails(['--mac-address', 'zz'], 'zz is not a valid mac address')
})

test('network, dns and add-host values are checked at flag time', () => {
  const flagError = (argv: string[], message: RegExp) => assert.throws(() => parseFlags([...argv, 'busybox'], createFlags, { stopAtPositional: true }), message)
  flagError(['--network', 'foo=bar'], /^FlagError: invalid argument "foo=bar" for "--network" flag: invalid field key foo$/)
  flagError(['--dns', 'bogus'], /invalid argument "bogus" for "--dns" flag: IP address is not correctly formatted: bogus/)
  flagError(['--add-host', 'bad'], /invalid argument "bad" for "--add-host" flag: bad format for add-host: "bad"/)
  flagError(['--dns-search', '-x'], /-x is not a valid domain/)
  flagError(['--link', 'a:b:c'], /bad format for links: a:b:c/)
})
