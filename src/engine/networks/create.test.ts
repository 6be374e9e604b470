import { test } from 'node:test'
import assert from 'node:assert/strict'
import { buildNetwork, primaryPool6, type NetworkCreateRequest } from './create.js'
import type { IpamPool, NetworkRecord } from '../../state/records.js'
import { formatIp6 } from '../../network/ipv6.js'

const ctx = (existing: NetworkRecord[] = []) => ({ existing, hostRoutes: [], cniPlugin: (t: string) => t === 'macvlan' })
const build = (req: Partial<NetworkCreateRequest>, existing: NetworkRecord[] = []) => buildNetwork({ Name: 'n', ...req }, ctx(existing))
const pools = (...p: IpamPool[]) => ({ IPAM: { Config: p } })

test('--ipv6 with a subnet: IPv4 pool chosen, IPv6 pool kept after it in canonical form, gateway ::1', () => {
  const n = build({ EnableIPv6: true, ...pools({ Subnet: 'FD00:0001::5/64' }) })
  assert.equal(n.ipv6, true)
  assert.deepEqual(n.ipam.Config, [{ Subnet: '172.17.0.0/16', Gateway: '172.17.0.1' }, { Subnet: 'fd00:1::/64', Gateway: 'fd00:1::1' }])
  assert.equal(n.autoSubnet, true)
  assert.equal(n.autoSubnet6, undefined)
  const p = primaryPool6(n)!
  assert.equal(formatIp6(p.gateway), 'fd00:1::1')
})

test('--ipv6 alone: a random unique local /64 with its ::1 as gateway', () => {
  const a = build({ EnableIPv6: true })
  const b = build({ EnableIPv6: true })
  const six = (n: NetworkRecord) => n.ipam.Config[1]!
  assert.match(six(a).Subnet, /^fd[0-9a-f]{2}(:[0-9a-f]{1,4}){3}::\/64$/)
  assert.equal(six(a).Gateway, six(a).Subnet.replace('::/64', '::1'))
  assert.notEqual(six(a).Subnet, six(b).Subnet)
  assert.equal(a.autoSubnet6, true)
  // pools given in any order come out IPv4 first
  const c = build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:2::/64', Gateway: 'fd00:2::fe', IPRange: 'fd00:2::100/120' }, { Subnet: '10.9.0.0/24' }) })
  assert.deepEqual(c.ipam.Config, [{ Subnet: '10.9.0.0/24', Gateway: '10.9.0.1' }, { Subnet: 'fd00:2::/64', IPRange: 'fd00:2::100/120', Gateway: 'fd00:2::fe' }])
  assert.equal(c.autoSubnet, undefined)
})

test('IPv6 bad input: overlap, gateway outside, no --ipv6, other drivers, bad text', () => {
  const existing = build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:1::/64' }) })
  const overlap = { kind: 'forbidden', message: 'invalid pool request: Pool overlaps with other one on this address space' }
  assert.throws(() => build({ Name: 'm', EnableIPv6: true, ...pools({ Subnet: 'fd00::/16' }) }, [existing]), overlap)
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3::/64' }, { Subnet: 'fd00:3::/80' }) }), overlap)
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3::/64', Gateway: 'fd00:4::1' }) }), { kind: 'invalid', message: 'gateway fd00:4::1 is not within subnet fd00:3::/64' })
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3::/64', Gateway: 'fd00:3::' }) }), { kind: 'invalid', message: 'gateway fd00:3:: is not within subnet fd00:3::/64' })
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3::/64', IPRange: 'fd00:4::/80' }) }), { kind: 'invalid', message: 'IP range fd00:4::/80 is not within subnet fd00:3::/64' })
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3::/127' }) }), { kind: 'invalid' })
  assert.throws(() => build({ EnableIPv6: true, ...pools({ Subnet: 'fd00:3:::/64' }) }), { kind: 'invalid', message: 'invalid CIDR address: fd00:3:::/64' })
  assert.throws(() => build(pools({ Subnet: 'fd00:3::/64' })), { kind: 'invalid', message: 'IPv6 subnet fd00:3::/64 given but IPv6 is not enabled (add --ipv6)' })
  assert.throws(() => build({ Driver: 'macvlan', EnableIPv6: true }), { kind: 'not-implemented' })
  // an IPv4-only network still overlaps nothing of the IPv6 space
  assert.equal(build({ Name: 'v4', ...pools({ Subnet: '10.1.0.0/16' }) }, [existing]).ipv6, false)
})
