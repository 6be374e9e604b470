import assert from 'node:assert/strict'
import { test } from 'node:test'
import { containerCreateBody, networkCreateBody } from './version-gates.js'

const body = { Image: 'busybox', MacAddress: '92:d0:c6:0a:29:33', NetworkingConfig: { EndpointsConfig: { default: { MacAddress: '92:d0:c6:0a:29:33' } } } }

test('from API 1.44 the MAC address goes per endpoint only', () => {
  const sent = containerCreateBody(body, '1.47')
  assert.equal('MacAddress' in sent, false)
  assert.deepEqual(sent.NetworkingConfig, body.NetworkingConfig)
  const plain = { Image: 'busybox' }
  assert.equal(containerCreateBody(plain, '1.47'), plain)
})

test('before API 1.44 a per-endpoint MAC address is refused, as the Go client does', () => {
  assert.throws(() => containerCreateBody(body, '1.43'), {
    message: '"specify mac-address per network" requires API version 1.44, but the berth daemon API version is 1.43',
  })
  const noMac = { Image: 'busybox', NetworkingConfig: { EndpointsConfig: { default: { MacAddress: '' } } } }
  assert.equal(containerCreateBody(noMac, '1.41'), noMac)
})

test('network create asks old daemons to check duplicate names', () => {
  assert.deepEqual(networkCreateBody({ Name: 'n' }, '1.43'), { Name: 'n', CheckDuplicate: true })
  assert.deepEqual(networkCreateBody({ Name: 'n' }, '1.44'), { Name: 'n' })
})
