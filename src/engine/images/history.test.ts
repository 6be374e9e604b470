import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ImageRecord, LayerRecord } from '../../state/records.js'
import { ancestry, imageHistory } from './history.js'

const record = (id: string, parent: string | undefined, history: Array<{ created_by: string; empty_layer?: boolean }>): ImageRecord => ({
  id,
  config: { created: '2024-01-01T00:00:00Z', history: history.map((h) => ({ created: '2024-01-01T00:00:00Z', ...h })), rootfs: { type: 'layers', diff_ids: [] } },
  diffIds: [],
  chainIds: [],
  size: 0,
  created: '2024-01-01T00:00:00Z',
  repoDigests: [],
  ...(parent ? { parent } : {}),
}) as unknown as ImageRecord

const layer = (size: number) => ({ size }) as LayerRecord

test('entries newest first; layer sizes bottom up; empty layers 0', () => {
  const im = record('sha256:c', undefined, [{ created_by: 'ADD base' }, { created_by: 'ENV A=1', empty_layer: true }, { created_by: 'RUN x' }])
  const items = imageHistory(im, [layer(100), layer(7)], [{ id: 'sha256:c', tags: ['c:1'] }])
  assert.deepEqual(items.map((h) => [h.id, h.createdBy, h.size, h.tags]), [
    ['sha256:c', 'RUN x', 7, ['c:1']],
    ['<missing>', 'ENV A=1', 0, []],
    ['<missing>', 'ADD base', 100, []],
  ])
  assert.equal(items[0]!.created, Date.parse('2024-01-01T00:00:00Z') / 1000)
})

test('parents fill the entries below the image with their IDs and tags, as moby', () => {
  const images = new Map<string, ImageRecord>([
    ['sha256:a', record('sha256:a', undefined, [{ created_by: 'ADD base' }])],
    ['sha256:b', record('sha256:b', 'sha256:a', [{ created_by: 'ADD base' }, { created_by: 'RUN b' }])],
    ['sha256:c', record('sha256:c', 'sha256:b', [{ created_by: 'ADD base' }, { created_by: 'RUN b' }, { created_by: 'CMD c', empty_layer: true }])],
  ])
  const tags: Record<string, string[]> = { 'sha256:a': ['a:1'], 'sha256:c': ['c:1', 'c:2'] }
  const chain = ancestry(images.get('sha256:c')!, (id) => images.get(id), (id) => tags[id] ?? [])
  assert.deepEqual(chain, [{ id: 'sha256:c', tags: ['c:1', 'c:2'] }, { id: 'sha256:b', tags: [] }, { id: 'sha256:a', tags: ['a:1'] }])
  const items = imageHistory(images.get('sha256:c')!, [layer(1), layer(2)], chain)
  assert.deepEqual(items.map((h) => [h.id, h.tags]), [['sha256:c', ['c:1', 'c:2']], ['sha256:b', []], ['sha256:a', ['a:1']]])
  // a parent that is gone ends the chain: the rest stays <missing>
  const gone = ancestry(images.get('sha256:c')!, (id) => (id === 'sha256:b' ? undefined : images.get(id)), () => [])
  assert.deepEqual(imageHistory(images.get('sha256:c')!, [layer(1), layer(2)], gone).map((h) => h.id), ['sha256:c', '<missing>', '<missing>'])
})
