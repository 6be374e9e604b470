import { test } from 'node:test'
import assert from 'node:assert/strict'
import type { ImageRecord } from '../../state/records.js'
import { pruneCandidates } from './prune.js'

const image = (n: number, extra: Partial<ImageRecord> = {}, labels?: Record<string, string>): ImageRecord => ({
  id: `sha256:${String(n).repeat(64).slice(0, 64)}`,
  config: { created: `2024-01-0${n}T00:00:00Z`, config: labels ? { Labels: labels } : {}, rootfs: { type: 'layers', diff_ids: [] } },
  diffIds: [],
  chainIds: [],
  size: 0,
  created: `2024-01-0${n}T00:00:00Z`,
  repoDigests: [],
  ...extra,
})

test('prune candidates: dangling only skips tagged images and untagged parents', () => {
  const parent = image(1)
  const child = image(2, { parent: parent.id })
  const tagged = image(3)
  const digestOnly = image(4, { repoDigests: ['docker.io/library/x@sha256:' + 'f'.repeat(64)] })
  const tags = (id: string) => (id === tagged.id ? ['docker.io/library/t:latest'] : [])
  const ids = (l: ImageRecord[]) => l.map((i) => i.id)
  assert.deepEqual(ids(pruneCandidates([parent, child, tagged, digestOnly], tags, { danglingOnly: true })), ids([child, digestOnly]))
  assert.deepEqual(ids(pruneCandidates([parent, child, tagged, digestOnly], tags, { danglingOnly: false })), ids([child, tagged, digestOnly]))
})

test('prune candidates: until and label filters', () => {
  const a = image(1, {}, { keep: 'yes' })
  const b = image(2, {}, { team: 'x' })
  const none = () => []
  const ids = (l: ImageRecord[]) => l.map((i) => i.id)
  assert.deepEqual(ids(pruneCandidates([a, b], none, { danglingOnly: true, until: Date.parse('2024-01-02T00:00:00Z') })), [a.id])
  assert.deepEqual(ids(pruneCandidates([a, b], none, { danglingOnly: true, labels: ['team=x'] })), [b.id])
  assert.deepEqual(ids(pruneCandidates([a, b], none, { danglingOnly: true, notLabels: ['keep'] })), [b.id])
})
