import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ContainerSummary } from '../../client/types.js'
import { renderList } from './list-format.js'
import { displayablePorts, psRow, psSpec } from './ps-rows.js'

const now = Date.UTC(2024, 0, 1, 12, 0, 0)
const ctr = (over: Partial<ContainerSummary> = {}): ContainerSummary => ({
  Id: '3f2a9c1b0d4e5f6a7b8c9d0e1f2a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c',
  Names: ['/web'], Image: 'busybox', ImageID: 'sha256:aaaa', Command: 'sh -c "while true; do sleep 1; done"',
  Created: now / 1000 - 5, Ports: [], Labels: { b: '2', a: '1' }, State: 'running', Status: 'Up 5 seconds', ...over,
})

test('ps row fields follow docker', () => {
  const r = psRow(ctr(), { trunc: true, now })
  assert.equal(r.ID, '3f2a9c1b0d4e')
  assert.equal(r.Command, '"sh -c \\"while true; …"')
  assert.equal(r.RunningFor, '5 seconds ago')
  assert.equal(r.Names, 'web')
  assert.equal(r.Labels, 'a=1,b=2')
  assert.equal(r.Size, '0B')
})

test('default ps table', () => {
  const out = renderList(psSpec, [psRow(ctr(), { trunc: true, now })], undefined)
  assert.equal(out,
    'CONTAINER ID   IMAGE     COMMAND                   CREATED         STATUS         PORTS     NAMES\n' +
    '3f2a9c1b0d4e   busybox   "sh -c \\"while true; …"   5 seconds ago   Up 5 seconds             web\n')
})

test('quiet, custom table, json and Label', () => {
  const rows = [psRow(ctr(), { trunc: true, now })]
  assert.equal(renderList(psSpec, rows, undefined, true), '3f2a9c1b0d4e\n')
  assert.equal(renderList(psSpec, rows, 'table {{.Names}}\\t{{.State}}'), 'NAMES     STATE\nweb       running\n')
  assert.equal(renderList(psSpec, rows, '{{.Label "a"}}-{{.Names}}'), '1-web\n')
  const json = JSON.parse(renderList(psSpec, rows, 'json'))
  assert.deepEqual(Object.keys(json), ['Command', 'CreatedAt', 'ID', 'Image', 'Labels', 'LocalVolumes', 'Mounts', 'Names', 'Networks', 'Platform', 'Ports', 'RunningFor', 'Size', 'State', 'Status'])
})

test('ports are grouped into ranges', () => {
  assert.equal(displayablePorts([
    { IP: '0.0.0.0', PrivatePort: 81, PublicPort: 8081, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 5000, PublicPort: 5000, Type: 'tcp' },
    { IP: '0.0.0.0', PrivatePort: 5001, PublicPort: 5001, Type: 'tcp' },
    { PrivatePort: 53, Type: 'udp' },
    { PrivatePort: 54, Type: 'udp' },
  ]), '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp, 0.0.0.0:8081->81/tcp, 53-54/udp, 0.0.0.0:5000-5001->5000-5001/tcp')
})
