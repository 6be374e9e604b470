import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ImageSummary } from '../../engine/images/service.js'
import { formatMismatches, validateResponse } from '../../../test/helpers/schema.js'
import { parseGoDuration } from '../../lib/duration.js'
import { imageInspectJson, imageSummaryJson, pruneOptions, pruneReportJson } from './images.js'

const summary = (): ImageSummary => ({
  record: {
    id: 'sha256:' + 'a'.repeat(64),
    config: {
      architecture: 'amd64',
      os: 'linux',
      created: '2024-01-01T00:00:00Z',
      config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
      rootfs: { type: 'layers', diff_ids: ['sha256:' + 'b'.repeat(64), 'sha256:' + 'c'.repeat(64)] },
    },
    diffIds: ['sha256:' + 'b'.repeat(64), 'sha256:' + 'c'.repeat(64)],
    chainIds: ['sha256:' + 'b'.repeat(64), 'sha256:' + 'd'.repeat(64)],
    size: 4096,
    created: '2024-01-01T00:00:00Z',
    repoDigests: [],
  },
  repoTags: ['busybox:latest'],
  repoDigests: [],
})

const dirs = ['/data/layers/dddd/diff', '/data/layers/bbbb/diff']

test('image inspect: GraphDriver.Data names the layer dirs, top one as UpperDir', () => {
  const j = imageInspectJson(summary(), '1.47', dirs)
  assert.deepEqual(j.GraphDriver, { Name: 'overlay2', Data: { LowerDir: '/data/layers/bbbb/diff', UpperDir: '/data/layers/dddd/diff' } })
  assert.deepEqual(imageInspectJson(summary(), '1.47', dirs.slice(0, 1)).GraphDriver.Data, { UpperDir: '/data/layers/dddd/diff' })
  assert.deepEqual(imageInspectJson(summary(), '1.47', []).GraphDriver.Data, {})
})

test('VirtualSize is sent up to API 1.43 and left out from 1.44 on', () => {
  for (const [version, has] of [['1.41', true], ['1.43', true], ['1.44', false], ['1.47', false]] as const) {
    assert.equal('VirtualSize' in imageInspectJson(summary(), version, dirs), has, `inspect at ${version}`)
    assert.equal('VirtualSize' in imageSummaryJson(summary(), 0, version), has, `summary at ${version}`)
  }
  assert.equal((imageSummaryJson(summary(), 0, '1.41') as { VirtualSize?: number }).VirtualSize, 4096)
})

test('image inspect and summary conform to the v1.41 and v1.47 schemas', () => {
  for (const version of ['1.41', '1.47']) {
    const inspect = validateResponse('GET', '/images/{name}/json', 200, imageInspectJson(summary(), version, dirs), version)
    assert.equal(formatMismatches(inspect), '', `inspect v${version}`)
    const list = validateResponse('GET', '/images/json', 200, [imageSummaryJson(summary(), 2, version)], version)
    assert.equal(formatMismatches(list), '', `list v${version}`)
  }
})

test('Go durations', () => {
  assert.equal(parseGoDuration('24h'), 86_400_000)
  assert.equal(parseGoDuration('1h30m'), 5_400_000)
  assert.equal(parseGoDuration('1.5s'), 1500)
  assert.equal(parseGoDuration('10'), undefined)
  assert.equal(parseGoDuration('2024-01-01'), undefined)
})

test('prune filters: dangling default, -a, until, labels, unknown keys', () => {
  const now = Date.parse('2024-01-02T00:00:00Z')
  assert.deepEqual(pruneOptions({}, now), { danglingOnly: true })
  assert.deepEqual(pruneOptions({ dangling: ['false'] }, now), { danglingOnly: false })
  assert.deepEqual(pruneOptions({ until: ['24h'] }, now), { danglingOnly: true, until: Date.parse('2024-01-01T00:00:00Z') })
  assert.deepEqual(pruneOptions({ until: ['1704067200'] }, now), { danglingOnly: true, until: 1704067200000 })
  assert.deepEqual(pruneOptions({ label: ['a=1'], 'label!': ['b'] }, now), { danglingOnly: true, labels: ['a=1'], notLabels: ['b'] })
  assert.throws(() => pruneOptions({ reference: ['x'] }, now), { message: "invalid filter 'reference'" })
  assert.throws(() => pruneOptions({ dangling: ['maybe'] }, now), { message: "Invalid filter 'dangling=maybe'" })
})

test('prune report: null when nothing went, as Docker encodes an empty list', () => {
  assert.deepEqual(pruneReportJson({ deleted: [], reclaimed: 0 }), { ImagesDeleted: null, SpaceReclaimed: 0 })
  assert.deepEqual(pruneReportJson({ deleted: [{ Deleted: 'sha256:x' }], reclaimed: 5 }), { ImagesDeleted: [{ Deleted: 'sha256:x' }], SpaceReclaimed: 5 })
})

test('RepoDigests are in the familiar form, as Docker prints them', () => {
  const digest = 'sha256:' + 'e'.repeat(64)
  const s = { ...summary(), repoDigests: [`docker.io/library/busybox@${digest}`, `127.0.0.1:5000/app@${digest}`] }
  const want = [`busybox@${digest}`, `127.0.0.1:5000/app@${digest}`]
  assert.deepEqual(imageInspectJson(s, '1.47', dirs).RepoDigests, want)
  assert.deepEqual(imageSummaryJson(s, 0, '1.47').RepoDigests, want)
})
