import { test } from 'node:test'
import assert from 'node:assert/strict'
import { contains, firstFree, formatCidr, formatIp, macFor, overlaps, parseCidr, parseIp, pickSubnet } from './ipv4.js'

test('addresses and CIDRs round-trip; host bits are cleared', () => {
  assert.equal(formatIp(parseIp('10.1.2.3')), '10.1.2.3')
  assert.equal(formatCidr(parseCidr('10.1.2.3/16')), '10.1.0.0/16')
  assert.equal(formatCidr(parseCidr('0.0.0.0/0')), '0.0.0.0/0')
  for (const bad of ['10.1.2/16', '10.1.2.300/16', '10.0.0.0/33', 'x', '10.0.0.0'])
    assert.throws(() => parseCidr(bad), /invalid CIDR address/)
})

test('overlap and containment', () => {
  assert.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.5.0.0/16')))
  assert.ok(!overlaps(parseCidr('10.0.0.0/16'), parseCidr('10.1.0.0/16')))
  assert.ok(contains(parseCidr('10.1.0.0/16'), parseIp('10.1.255.255')))
  assert.ok(!contains(parseCidr('10.1.0.0/16'), parseIp('10.2.0.0')))
})

test('allocation skips network, broadcast and taken addresses, and honours the range', () => {
  const s = parseCidr('10.9.0.0/29')
  const taken = new Set([parseIp('10.9.0.1'), parseIp('10.9.0.2')])
  assert.equal(formatIp(firstFree(s, taken)!), '10.9.0.3')
  const full = new Set([1, 2, 3, 4, 5, 6].map((i) => parseIp(`10.9.0.${i}`)))
  assert.equal(firstFree(s, full), undefined)
  assert.equal(formatIp(firstFree(parseCidr('10.9.0.0/16'), new Set(), parseCidr('10.9.5.0/24'))!), '10.9.5.0')
})

test('default pool skips what is in use', () => {
  assert.equal(formatCidr(pickSubnet([])!), '172.17.0.0/16')
  assert.equal(formatCidr(pickSubnet([parseCidr('172.16.0.0/12')])!), '192.168.0.0/20')
  assert.equal(macFor(parseIp('172.17.0.2')), '02:42:ac:11:00:02')
})
