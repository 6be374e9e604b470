import { test } from 'node:test'
import assert from 'node:assert/strict'
import { contains6, firstFree6, formatCidr6, formatIp6, isIpv6, overlaps6, parseCidr6, parseIp6, reverseName6, ulaSubnet } from './ipv6.js'

const canon = (s: string) => formatIp6(parseIp6(s))

test('addresses print in the canonical form of RFC 5952', () => {
  assert.equal(canon('2001:0DB8:0000:0000:0000:0000:0000:0001'), '2001:db8::1')
  assert.equal(canon('::'), '::')
  assert.equal(canon('::1'), '::1')
  assert.equal(canon('fd00:1::'), 'fd00:1::')
  // a single zero group is not compressed; the longest run wins, the first of equal runs
  assert.equal(canon('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1')
  assert.equal(canon('2001:0:0:1:0:0:0:1'), '2001:0:0:1::1')
  assert.equal(canon('2001:db8:0:0:1:0:0:1'), '2001:db8::1:0:0:1')
  assert.equal(canon('1:2:3:4:5:6:7:8'), '1:2:3:4:5:6:7:8')
  assert.equal(canon('0:0:0:0:0:0:0:8'), '::8')
  assert.equal(canon('8:0:0:0:0:0:0:0'), '8::')
  // embedded IPv4: accepted anywhere in the last 32 bits, printed dotted only when mapped
  assert.equal(canon('::ffff:10.0.0.1'), '::ffff:10.0.0.1')
  assert.equal(canon('64:ff9b::192.0.2.33'), '64:ff9b::c000:221')
  assert.equal(parseIp6('::1'), 1n)
  assert.equal(parseIp6('ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff'), (1n << 128n) - 1n)
})

test('what is not an IPv6 address is refused', () => {
  for (const bad of ['', ':', ':::', '1::2::3', '1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '12345::', 'g::1', '10.0.0.1', 'fe80::1%eth0', '::ffff:300.1.1.1', ':1::', '1::2:'])
    assert.equal(isIpv6(bad), false, bad)
  assert.throws(() => parseIp6('x::y'), /^BerthError: invalid IPv6 address: x::y$/)
  assert.ok(isIpv6('1:2:3:4:5:6:7::'))
  assert.ok(isIpv6('::2:3:4:5:6:7:8'))
})

test('CIDRs: host bits are cleared, bad ones refused with Go’s words', () => {
  assert.equal(formatCidr6(parseCidr6('fd00:1::5/64')), 'fd00:1::/64')
  assert.equal(formatCidr6(parseCidr6('FD00:0001:0000::/48')), 'fd00:1::/48')
  assert.equal(formatCidr6(parseCidr6('::/0')), '::/0')
  assert.equal(formatCidr6(parseCidr6('fd00::1/128')), 'fd00::1/128')
  for (const bad of ['fd00::/129', 'fd00::', 'fd00::/x', '10.0.0.0/8', 'fd00:::/64', '/64'])
    assert.throws(() => parseCidr6(bad), { message: `invalid CIDR address: ${bad}` }, bad)
})

test('containment and overlap', () => {
  const s = parseCidr6('fd00:1::/64')
  assert.ok(contains6(s, parseIp6('fd00:1::ffff:ffff:ffff:ffff')))
  assert.ok(!contains6(s, parseIp6('fd00:2::')))
  assert.ok(overlaps6(parseCidr6('fd00::/16'), s))
  assert.ok(overlaps6(s, parseCidr6('fd00:1::8000:0:0:0/65')))
  assert.ok(!overlaps6(s, parseCidr6('fd00:1:0:1::/64')))
})

test('allocation skips the subnet-router anycast address and taken ones, and honours the range', () => {
  const s = parseCidr6('fd00:9::/64')
  assert.equal(formatIp6(firstFree6(s, new Set())!), 'fd00:9::1')
  const taken = new Set([parseIp6('fd00:9::1'), parseIp6('fd00:9::2')])
  assert.equal(formatIp6(firstFree6(s, taken)!), 'fd00:9::3')
  assert.equal(formatIp6(firstFree6(s, taken, parseCidr6('fd00:9::100/120'))!), 'fd00:9::100')
  const tiny = parseCidr6('fd00:9::/126')
  assert.equal(firstFree6(tiny, new Set([1n, 2n, 3n].map((i) => tiny.base + i))), undefined)
})

test('a random ULA /64 is in fd00::/8; reverse names are nibbles', () => {
  const s = ulaSubnet(Uint8Array.from([0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde]))
  assert.equal(formatCidr6(s), 'fd12:3456:789a:bcde::/64')
  assert.ok(contains6(parseCidr6('fd00::/8'), s.base))
  assert.equal(reverseName6(parseIp6('2001:db8::567:89ab')), 'b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa')
})
