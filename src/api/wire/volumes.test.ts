import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import type { VolumeRecord } from '../../engine/volumes/types.js'
import { decodeVolumeCreate, matchVolumes, pruneSelect, volumeJson } from './volumes.js'

const vol = (name: string, over: Partial<VolumeRecord> = {}): VolumeRecord => ({
  name, driver: 'local', created: '2024-01-02T03:04:05Z', labels: {}, options: {}, anonymous: false, ...over,
})
const all = [vol('data', { labels: { tier: 'db' } }), vol('cache', { labels: { tier: 'web', keep: '' } }), vol('f00d', { anonymous: true })]
const names = (vs: VolumeRecord[]) => vs.map((v) => v.name)
const invalidMessage = (fn: () => unknown) => {
  try {
    fn()
  } catch (e) {
    assert.ok(e instanceof BerthError && e.kind === 'invalid')
    return e.message
  }
  return ''
}

test('volume JSON: Docker field names, Options null when empty, the anonymous label shown', () => {
  assert.deepEqual(volumeJson(all[2]!, '/d/volumes/f00d/_data'), {
    CreatedAt: '2024-01-02T03:04:05Z', Driver: 'local', Labels: { 'com.docker.volume.anonymous': '' },
    Mountpoint: '/d/volumes/f00d/_data', Name: 'f00d', Options: null, Scope: 'local',
  })
  const j = volumeJson(vol('t', { options: { type: 'tmpfs', device: 'tmpfs' } }), '/m', { size: 5, refCount: 1 })
  assert.deepEqual(j.Options, { type: 'tmpfs', device: 'tmpfs' })
  assert.deepEqual(j.UsageData, { Size: 5, RefCount: 1 })
})

test('create body: defaults, nulls as empty, unknown fields ignored as Go does, wrong types refused', () => {
  assert.deepEqual(decodeVolumeCreate(undefined), { Name: '', Driver: 'local', DriverOpts: {}, Labels: {} })
  assert.deepEqual(decodeVolumeCreate({ Name: 'x', Driver: '', DriverOpts: null, Labels: { a: 'b' } }), { Name: 'x', Driver: 'local', DriverOpts: {}, Labels: { a: 'b' } })
  assert.equal(decodeVolumeCreate({ Nme: 'x' }).Name, '')
  assert.equal(invalidMessage(() => decodeVolumeCreate({ Labels: { a: 1 } })), 'json: cannot unmarshal object into Go struct field volume.CreateOptions.Labels of type map[string]string')
})

test('ls filters: name (substring), label (key or key=value, all must match), driver, dangling', () => {
  const used = (v: VolumeRecord) => v.name === 'data'
  assert.deepEqual(names(matchVolumes(all, { name: ['a'] }, used)), ['data', 'cache'])
  assert.deepEqual(names(matchVolumes(all, { label: ['tier'] }, used)), ['data', 'cache'])
  assert.deepEqual(names(matchVolumes(all, { label: ['tier=web', 'keep'] }, used)), ['cache'])
  assert.deepEqual(names(matchVolumes(all, { label: ['com.docker.volume.anonymous'] }, used)), ['f00d'])
  assert.deepEqual(names(matchVolumes(all, { driver: ['other'] }, used)), [])
  assert.deepEqual(names(matchVolumes(all, { dangling: ['true'] }, used)), ['cache', 'f00d'])
  assert.deepEqual(names(matchVolumes(all, { dangling: ['0'] }, used)), ['data'])
  assert.equal(invalidMessage(() => matchVolumes(all, { dangling: ['maybe'] }, used)), "invalid filter 'dangling=maybe'")
  assert.equal(invalidMessage(() => matchVolumes(all, { until: ['1h'] }, used)), "invalid filter 'until'")
})

test('prune selection: anonymous only from API 1.42 unless all=true; label and label! narrow it', () => {
  assert.deepEqual(names(all.filter(pruneSelect({}, '1.47'))), ['f00d'])
  assert.deepEqual(names(all.filter(pruneSelect({}, '1.41'))), ['data', 'cache', 'f00d'])
  assert.deepEqual(names(all.filter(pruneSelect({ all: ['true'] }, '1.47'))), ['data', 'cache', 'f00d'])
  assert.deepEqual(names(all.filter(pruneSelect({ all: ['1'], label: ['tier'] }, '1.47'))), ['data', 'cache'])
  assert.deepEqual(names(all.filter(pruneSelect({ all: ['1'], 'label!': ['tier=db'] }, '1.47'))), ['cache', 'f00d'])
  assert.equal(invalidMessage(() => pruneSelect({ dangling: ['true'] }, '1.47')), "invalid filter 'dangling'")
  assert.equal(invalidMessage(() => pruneSelect({ all: ['yes'] }, '1.47')), "invalid filter 'all=yes'")
})
