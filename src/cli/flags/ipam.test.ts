import assert from 'node:assert/strict'
import { test } from 'node:test'
import { ipamConfig, subnetMatches, type IpamFlags } from './ipam.js'

const flags = (over: Partial<IpamFlags>): IpamFlags => ({ driver: 'default', subnets: [], ipRanges: [], gateways: [], auxAddresses: {}, options: {}, ...over })

test('ranges, gateways and aux addresses join the subnet that contains them', () => {
  assert.deepEqual(ipamConfig(flags({
    subnets: ['10.1.0.0/16', '10.2.0.0/16', 'fd00::/64'],
    ipRanges: ['10.1.1.0/24'],
    gateways: ['10.2.0.1'],
    auxAddresses: { a: '10.1.0.5', b: 'fd00::5' },
    options: { q: 'r' },
  })), {
    Driver: 'default', Options: { q: 'r' },
    Config: [
      { Subnet: '10.1.0.0/16', IPRange: '10.1.1.0/24', AuxiliaryAddresses: { a: '10.1.0.5' } },
      { Subnet: '10.2.0.0/16', Gateway: '10.2.0.1' },
      { Subnet: 'fd00::/64', AuxiliaryAddresses: { b: 'fd00::5' } },
    ],
  })
  assert.deepEqual(ipamConfig(flags({})), { Driver: 'default', Options: {}, Config: [] })
})

test('docker\'s client-side IPAM errors', () => {
  const fails = (over: Partial<IpamFlags>, message: string) => assert.throws(() => ipamConfig(flags(over)), { message })
  fails({ gateways: ['10.0.0.1'] }, 'every ip-range or gateway must have a corresponding subnet')
  fails({ subnets: ['10.0.0.0/16', '10.0.1.0/24'] }, 'multiple overlapping subnet configuration is not supported')
  fails({ subnets: ['10.0.0.0/16'], ipRanges: ['10.1.0.0/24'] }, 'no matching subnet for range 10.1.0.0/24')
  fails({ subnets: ['10.0.0.0/16'], ipRanges: ['bogus'] }, 'invalid CIDR address: bogus')
  fails({ subnets: ['10.0.0.0/16', '11.0.0.0/8'], ipRanges: ['10.0.1.0/24', '10.0.2.0/24'] },
    'cannot configure multiple ranges (10.0.2.0/24, 10.0.1.0/24) on the same subnet (10.0.0.0/16)')
  fails({ subnets: ['10.0.0.0/16'], gateways: ['10.1.0.1'] }, 'no matching subnet for gateway 10.1.0.1')
  fails({ subnets: ['10.0.0.0/16', '10.1.0.0/16'], gateways: ['10.0.0.1', '10.0.0.2'] },
    'cannot configure multiple gateways (10.0.0.2, 10.0.0.1) for the same subnet (10.0.0.0/16)')
  fails({ subnets: ['10.0.0.0/16'], auxAddresses: { x: '10.9.0.1' } }, 'no matching subnet for aux-address 10.9.0.1')
  fails({ subnets: ['bad', '10.0.0.0/8'] }, 'invalid subnet: invalid CIDR address: bad')
})

test('subnetMatches reads a prefix by its address', () => {
  assert.equal(subnetMatches('10.0.0.0/8', '10.1.0.0/16'), true)
  assert.equal(subnetMatches('10.1.0.0/16', '10.0.0.0/8'), false)
  assert.equal(subnetMatches('10.0.0.0/8', 'not-an-ip'), false)
})
