import { test } from 'node:test'
import assert from 'node:assert/strict'
import { openDb } from './db.js'
import { NetworkRepo } from './networks.js'
import { isUniqueViolation } from './containers.js'
import type { EndpointRecord, NetworkRecord } from './records.js'

const net: NetworkRecord = {
  id: 'n1', name: 'v6', driver: 'bridge', created: '2024-01-01T00:00:00Z', internal: false, attachable: false, ipv6: true,
  labels: {}, options: {}, ipam: { Driver: 'default', Options: {}, Config: [{ Subnet: '10.1.0.0/24' }, { Subnet: 'fd00:1::/64' }] },
}
const ep = (containerId: string, ip: string, ip6?: string): EndpointRecord => ({
  networkId: 'n1', containerId, endpointId: `e-${containerId}`, ip, prefixLen: 24, gateway: '10.1.0.1', mac: '02:42:0a:01:00:02', ifName: 'eth0',
  ...(ip6 ? { ip6, prefixLen6: 64, gateway6: 'fd00:1::1' } : {}),
})

test('IPv6 leases are unique per network, like IPv4 ones; endpoints without one never collide', () => {
  const repo = new NetworkRepo(openDb(':memory:'))
  repo.insert(net)
  repo.addEndpoint(ep('a', '10.1.0.2', 'fd00:1::2'))
  repo.addEndpoint(ep('b', '10.1.0.3'))
  repo.addEndpoint(ep('c', '10.1.0.4'))
  assert.deepEqual(repo.leasedIps6('n1'), ['fd00:1::2'])
  assert.throws(() => repo.addEndpoint(ep('d', '10.1.0.5', 'fd00:1::2')), (e: unknown) => isUniqueViolation(e))
  assert.deepEqual(repo.endpointsFor('a')[0], ep('a', '10.1.0.2', 'fd00:1::2'))
  repo.removeEndpoint('n1', 'a')
  assert.deepEqual(repo.leasedIps6('n1'), [])
})
