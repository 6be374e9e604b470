import assert from 'node:assert/strict'
import { test } from 'node:test'
import { connectEndpoint, containerNetworking, emptyEndpoint, isUserDefined, parseNetworkOpt } from './network-opts.js'

test('--network long syntax', () => {
  assert.deepEqual(parseNetworkOpt('mynet'), parseNetworkOpt('name=mynet'))
  const n = parseNetworkOpt('name=Net1,alias=a,alias=b,ip=10.0.0.2,ip6=fd00::2,mac-address=02:42:AC:11:00:02,link-local-ip=169.254.1.1,driver-opt=k=v,gw-priority=-1')
  assert.deepEqual(n, {
    target: 'net1', aliases: ['a', 'b'], links: [], ipv4Address: '10.0.0.2', ipv6Address: 'fd00::2', linkLocalIPs: ['169.254.1.1'],
    macAddress: '02:42:ac:11:00:02', driverOpts: { k: 'v' }, gwPriority: -1,
  })
  assert.equal(parseNetworkOpt('container:web').target, 'container:web')
  assert.throws(() => parseNetworkOpt('alias=a'), { message: 'network name/id is not specified' })
  assert.throws(() => parseNetworkOpt('name=a,foo=b'), { message: 'invalid field key foo' })
  assert.throws(() => parseNetworkOpt('name=a,gw-priority=x'), { message: 'invalid gw-priority (x): invalid syntax' })
})

test('user-defined networks', () => {
  for (const m of ['default', 'bridge', 'host', 'none', 'container:x']) assert.equal(isUserDefined(m), false, m)
  assert.equal(isUserDefined('mynet'), true)
})

test('containerNetworking without --network: the default endpoint, always sent', () => {
  const f = { networks: [], aliases: [], links: [], ipv4Address: '', ipv6Address: '', macAddress: '', linkLocalIPs: [] }
  assert.deepEqual(containerNetworking(f), { networkMode: 'default', endpoints: { default: emptyEndpoint() } })
  assert.deepEqual(containerNetworking({ ...f, ipv4Address: '172.17.0.9' }).endpoints, { default: { ...emptyEndpoint(), IPAMConfig: { IPv4Address: '172.17.0.9' } } })
})

// docker 28.2.2's body for `network connect` with every flag, and with none
test('network connect endpoint', () => {
  assert.deepEqual(connectEndpoint({
    ipv4Address: '10.0.0.5', ipv6Address: 'fd00::5', aliases: ['a', 'b', 'c'], links: ['x:y', 'z'], linkLocalIPs: ['169.254.1.1'],
    driverOpts: ['k=v', 'k2=V2'], gwPriority: -3,
  }), {
    IPAMConfig: { IPv4Address: '10.0.0.5', IPv6Address: 'fd00::5', LinkLocalIPs: ['169.254.1.1'] }, Links: ['x:y', 'z'], Aliases: ['a', 'b', 'c'],
    MacAddress: '', DriverOpts: { k: 'v', k2: 'V2' }, GwPriority: -3, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0,
    IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
  })
  assert.equal(JSON.stringify(connectEndpoint({ ipv4Address: '', ipv6Address: '', aliases: [], links: [], linkLocalIPs: [], driverOpts: [], gwPriority: 0 })),
    '{"IPAMConfig":{},"Links":null,"Aliases":[],"MacAddress":"","DriverOpts":{},"GwPriority":0,"NetworkID":"","EndpointID":"","Gateway":"",' +
    '"IPAddress":"","IPPrefixLen":0,"IPv6Gateway":"","GlobalIPv6Address":"","GlobalIPv6PrefixLen":0,"DNSNames":null}')
  assert.throws(() => connectEndpoint({ ipv4Address: '', ipv6Address: '', aliases: [], links: [], linkLocalIPs: [], driverOpts: ['bad'], gwPriority: 0 }),
    { message: 'invalid key/value pair format in driver options' })
})
