import { test } from 'node:test'
import assert from 'node:assert/strict'
import { normalizeReference } from '../../lib/reference.js'
import type { ImageRecord } from '../../state/records.js'
import { removalEvents, tagEvent, transferEvent } from './image-events.js'

const image = (id: string, labels?: Record<string, string>): ImageRecord => ({
  id, config: { config: { Labels: labels ?? null }, rootfs: { type: 'layers', diff_ids: [] } }, diffIds: [], chainIds: [], size: 0, created: '', repoDigests: [],
})
const app = image('sha256:aa', { name: 'label-loses', tier: 'web' })
const base = image('sha256:bb')

test('tag: the image ID, the new reference in its familiar form, the labels', () => {
  assert.deepEqual(tagEvent(app, 'docker.io/library/app:2'), { type: 'image', action: 'tag', id: 'sha256:aa', attributes: { name: 'app:2', tier: 'web' } })
})

test('pull and push: the reference as the actor, its repository as the name', () => {
  assert.deepEqual(transferEvent('pull', normalizeReference('127.0.0.1:5000/team/app'), base), {
    type: 'image', action: 'pull', id: '127.0.0.1:5000/team/app:latest', attributes: { name: '127.0.0.1:5000/team/app' },
  })
  assert.equal(transferEvent('push', normalizeReference('busybox:1')).id, 'busybox:1')
})

test('rmi: untag per reference, delete per image (not per layer), in the order reported', () => {
  const before = { byRef: new Map([['app:1', app], ['app@sha256:' + 'c'.repeat(64), app], ['base:1', base]]), byId: new Map([[app.id, app], [base.id, base]]) }
  const events = removalEvents(
    [{ Untagged: 'app:1' }, { Untagged: 'app@sha256:' + 'c'.repeat(64) }, { Deleted: 'sha256:aa' }, { Deleted: 'sha256:layer' }, { Untagged: 'base:1' }, { Deleted: 'sha256:bb' }],
    before,
  )
  assert.deepEqual(events.map((e) => `${e.action} ${e.id} ${JSON.stringify(e.attributes)}`), [
    'untag sha256:aa {"name":"sha256:aa","tier":"web"}',
    'untag sha256:aa {"name":"sha256:aa","tier":"web"}',
    'delete sha256:aa {"name":"sha256:aa"}',
    'untag sha256:bb {"name":"sha256:bb"}',
    'delete sha256:bb {"name":"sha256:bb"}',
  ])
})
