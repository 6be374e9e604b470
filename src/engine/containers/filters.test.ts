import { test } from 'node:test'
import assert from 'node:assert/strict'
import { matchContainers, parseFilters } from './filters.js'
import type { ContainerRecord } from '../../state/records.js'

const rec = (id: string, name: string, over: { status?: string; labels?: Record<string, string>; net?: string; exposed?: string[]; exit?: number } = {}) =>
  ({
    id: id.padEnd(64, '0'),
    name,
    created: new Date(Date.UTC(2026, 0, Number(id[0]) || 1)).toISOString(),
    imageId: 'sha256:img',
    config: { Labels: over.labels ?? {}, ExposedPorts: Object.fromEntries((over.exposed ?? []).map((p) => [p, {}])) },
    hostConfig: { NetworkMode: over.net ?? 'default' },
    state: { status: over.status ?? 'running', exitCode: over.exit ?? 0 },
  }) as unknown as ContainerRecord

const all = [
  rec('1a', 'web', { labels: { team: 'blue' }, exposed: ['80/tcp'] }),
  rec('2b', 'db', { status: 'exited', exit: 3, net: 'host' }),
  rec('3c', 'cache', { status: 'created', net: 'none' }),
]
const names = (filters: Record<string, string[]>) => matchContainers(all, filters, () => false).map((c) => c.name)

test('filters: Docker’s keys', () => {
  assert.deepEqual(names({ status: ['exited'] }), ['db'])
  assert.deepEqual(names({ exited: ['3'] }), ['db'])
  assert.deepEqual(names({ label: ['team=blue'] }), ['web'])
  assert.deepEqual(names({ label: ['team'] }), ['web'])
  assert.deepEqual(names({ name: ['^c'] }), ['cache'])
  assert.deepEqual(names({ id: ['2b'] }), ['db'])
  assert.deepEqual(names({ network: ['bridge'] }), ['web'])
  assert.deepEqual(names({ network: ['host', 'none'] }), ['db', 'cache'])
  assert.deepEqual(names({ expose: ['80'] }), ['web'])
  assert.deepEqual(names({ publish: ['80'] }), [])
  assert.deepEqual(names({ volume: ['data'] }), [])
  assert.deepEqual(names({ health: ['none'] }), ['web', 'db', 'cache'])
  assert.deepEqual(names({ health: ['healthy'] }), [])
  assert.deepEqual(names({ before: ['3c'] }), ['web', 'db'])
  assert.deepEqual(names({ since: ['1a'] }), ['db', 'cache'])
})

test('filters: bad keys and values are refused', () => {
  assert.throws(() => names({ colour: ['red'] }), /invalid filter 'colour'/)
  assert.throws(() => names({ status: ['sleeping'] }), /invalid filter 'status=sleeping'/)
  assert.throws(() => parseFilters('{nope'), /invalid filter/)
  assert.deepEqual(parseFilters('{"status":{"running":true}}'), { status: ['running'] })
})

test('filters: publish matches the container ports a run publishes; network takes names and IDs', () => {
  const web = { ...rec('1a', 'web'), ports: [{ proto: 'tcp', containerPort: 80, hostIp: '', hostPort: 8000 }] } as ContainerRecord
  const dns = { ...rec('2b', 'dns'), ports: [{ proto: 'udp', containerPort: 53, hostIp: '', hostPort: 5353 }] } as ContainerRecord
  const pick = (f: Record<string, string[]>) => matchContainers([web, dns], f, () => false, (c) => (c.name === 'web' ? ['backend', 'abc123'] : ['bridge'])).map((c) => c.name)
  assert.deepEqual(pick({ publish: ['80'] }), ['web'])
  assert.deepEqual(pick({ publish: ['80/udp'] }), [])
  assert.deepEqual(pick({ publish: ['50-60/udp'] }), ['dns'])
  assert.deepEqual(pick({ network: ['backend'] }), ['web'])
  assert.deepEqual(pick({ network: ['abc123'] }), ['web'])
  assert.throws(() => pick({ publish: ['x'] }), /invalid filter 'publish=x'/)
})
