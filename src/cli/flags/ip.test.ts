import assert from 'node:assert/strict'
import { test } from 'node:test'
import { cidrContains, ipString, isValidMAC, parseCIDR, parseIP } from './ip.js'

const canon = (s: string) => {
  const ip = parseIP(s)
  return ip ? ipString(ip) : undefined
}

test('addresses parse and print as Go net.IP does', () => {
  assert.equal(canon('10.0.0.1'), '10.0.0.1')
  assert.equal(canon('0:0::1'), '::1')
  assert.equal(canon('::'), '::')
  assert.equal(canon('2001:DB8:0:0:1:0:0:1'), '2001:db8::1:0:0:1')
  assert.equal(canon('2001:db8:0:1:1:1:1:1'), '2001:db8:0:1:1:1:1:1')
  assert.equal(canon('::ffff:1.2.3.4'), '1.2.3.4')
  assert.equal(canon('fd00::10.0.0.1'), 'fd00::a00:1')
  for (const bad of ['', '1.2.3', '1.2.3.256', '01.2.3.4', '1:2:3:4:5:6:7:8:9', '1::2::3', 'fe80::1%eth0', 'x', '12345::']) {
    assert.equal(parseIP(bad), undefined, bad)
  }
})

test('CIDR parsing and containment', () => {
  const net = parseCIDR('10.1.0.0/16')
  assert.equal(cidrContains(net, parseIP('10.1.255.3')!), true)
  assert.equal(cidrContains(net, parseIP('10.2.0.1')!), false)
  assert.equal(cidrContains(net, parseIP('fd00::1')!), false)
  const v6 = parseCIDR('fd00::/64')
  assert.equal(cidrContains(v6, parseIP('fd00::5')!), true)
  assert.equal(cidrContains(v6, parseIP('fd00:0:0:1::5')!), false)
  assert.equal(cidrContains(parseCIDR('0.0.0.0/0'), parseIP('8.8.8.8')!), true)
  assert.equal(cidrContains(parseCIDR('10.0.0.7/24'), parseIP('10.0.0.200')!), true)
  for (const bad of ['10.0.0.0', '10.0.0.0/33', 'fd00::/129', 'bogus/8', '10.0.0.0/x', '10.0.0.0/-1']) {
    assert.throws(() => parseCIDR(bad), { message: `invalid CIDR address: ${bad}` })
  }
})

test('MAC addresses in the forms net.ParseMAC accepts', () => {
  for (const ok of ['92:d0:c6:0a:29:33', '92-D0-C6-0A-29-33', '92d0.c60a.2933', '00:00:00:00:fe:80:00:00']) assert.equal(isValidMAC(ok), true, ok)
  for (const bad of ['zz', '92:d0:c6:0a:29', '92:d0:c6:0a:29:3', '92:d0-c6:0a:29:33', '']) assert.equal(isValidMAC(bad), false, bad)
})
