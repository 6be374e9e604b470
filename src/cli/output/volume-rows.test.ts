import assert from 'node:assert/strict'
import { test } from 'node:test'
import { renderList } from './list-format.js'
import { volumeRow, volumeSpec } from './volume-rows.js'

const v = (Name: string, Labels: Record<string, string> | null = null) =>
  ({ Name, Driver: 'local', Mountpoint: `/d/${Name}/_data`, Labels, Scope: 'local', Options: null })

test('volume ls: docker default table, -q names, {{json .}} with N/A for usage and cluster fields', () => {
  const rows = [v('a1'), v('b2', { k: 'v' })].map(volumeRow)
  assert.equal(renderList(volumeSpec, rows, undefined), 'DRIVER    VOLUME NAME\nlocal     a1\nlocal     b2\n')
  assert.equal(renderList(volumeSpec, rows, undefined, true), 'a1\nb2\n')
  assert.equal(
    renderList(volumeSpec, [rows[1]!], 'json'),
    '{"Availability":"N/A","Driver":"local","Group":"N/A","Labels":"k=v","Links":"N/A","Mountpoint":"/d/b2/_data","Name":"b2","Scope":"local","Size":"N/A","Status":"N/A"}\n',
  )
  assert.equal(renderList(volumeSpec, [volumeRow({ ...v('c3'), UsageData: { Size: 1500, RefCount: 2 } })], '{{.Size}} {{.Links}}'), '1.5kB 2\n')
})
