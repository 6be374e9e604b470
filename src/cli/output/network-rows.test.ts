import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { NetworkSummary } from '../../client/types.js'
import { renderList } from './list-format.js'
import { byNaturalName, naturalLess } from './natural-order.js'
import { networkRow, networkSpec } from './network-rows.js'

const net = (Name: string, c: string, over: Partial<NetworkSummary> = {}): NetworkSummary => ({
  Name, Id: c.repeat(12) + '1'.repeat(52), Created: '2024-05-01T10:00:00Z', Scope: 'local', Driver: 'bridge', EnableIPv6: false,
  IPAM: { Driver: 'default', Options: null, Config: [] }, Internal: false, Attachable: false, Ingress: false, ConfigOnly: false,
  Options: {}, Labels: {}, ...over,
})

const nets = [
  net('net10', 'a', { Created: '2024-05-01T10:00:00.123456789Z', Labels: { b: '2', a: '1<x>' } }),
  net('net2', 'b', { EnableIPv6: true, Internal: true }),
  net('bridge', 'c', { Created: '2024-05-01T09:00:00.5+02:00', Labels: null }),
  net('Host', 'd', { Driver: 'host', Created: '0001-01-01T00:00:00Z' }),
].sort(byNaturalName)
const rows = (trunc = true) => nets.map((n) => networkRow(n, { trunc }))

// Expected outputs are docker 28.2.2's for the same list.
test('default table: sorted naturally by name, IDs cut to 12', () => {
  assert.equal(renderList(networkSpec, rows(), undefined),
    'NETWORK ID     NAME      DRIVER    SCOPE\n' +
    'dddddddddddd   Host      host      local\n' +
    'cccccccccccc   bridge    bridge    local\n' +
    'bbbbbbbbbbbb   net2      bridge    local\n' +
    'aaaaaaaaaaaa   net10     bridge    local\n')
})

test('quiet, raw and custom table', () => {
  assert.equal(renderList(networkSpec, rows(false), undefined, true), nets.map((n) => n.Id + '\n').join(''))
  assert.equal(renderList(networkSpec, rows().slice(0, 1), 'raw'), 'network_id: dddddddddddd\nname: Host\ndriver: host\nscope: local\n\n')
  assert.equal(renderList(networkSpec, rows().slice(0, 1), 'raw', true), 'network_id: dddddddddddd\n')
  assert.equal(renderList(networkSpec, rows(), 'table {{.ID}}\\t{{.Name}}\\t{{.CreatedAt}}\\t{{.Labels}}\\t{{.Label "a"}}\\t{{.IPv4}}\\t{{.IPv6}}\\t{{.Internal}}'),
    'NETWORK ID     NAME      CREATED AT                                LABELS       a         IPV4      IPV6      INTERNAL\n' +
    'dddddddddddd   Host      0001-01-01 00:00:00 +0000 UTC                                    false     false     false\n' +
    'cccccccccccc   bridge    2024-05-01 09:00:00.5 +0200 +0200                                false     false     false\n' +
    'bbbbbbbbbbbb   net2      2024-05-01 10:00:00 +0000 UTC                                    false     true      true\n' +
    'aaaaaaaaaaaa   net10     2024-05-01 10:00:00.123456789 +0000 UTC   a=1<x>,b=2   1<x>      false     false     false\n')
  assert.equal(renderList(networkSpec, rows(), 'table {{.Label "com.x.my-key_a"}}|'), 'my key a|\n|\n|\n|\n|\n')
})

test('json rows: docker\'s keys, HTML-escaped', () => {
  assert.equal(renderList(networkSpec, rows(false).slice(3), 'json'),
    '{"CreatedAt":"2024-05-01 10:00:00.123456789 +0000 UTC","Driver":"bridge","ID":"aaaaaaaaaaaa1111111111111111111111111111111111111111111111111111",' +
    '"IPv4":"false","IPv6":"false","Internal":"false","Labels":"a=1\\u003cx\\u003e,b=2","Name":"net10","Scope":"local"}\n')
})

test('natural order compares digit runs as numbers', () => {
  const sorted = ['net10', 'net2', 'a', 'B', 'net02', 'net', '1', '10', '9'].sort((x, y) => (naturalLess(x, y) ? -1 : naturalLess(y, x) ? 1 : 0))
  assert.deepEqual(sorted, ['1', '9', '10', 'B', 'a', 'net', 'net2', 'net02', 'net10'])
})
