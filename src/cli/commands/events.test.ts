import { test } from 'node:test'
import assert from 'node:assert/strict'
import { eventLine } from './events.js'

test('events print like docker: time, type, action, id, sorted attributes', () => {
  const line = eventLine({
    Type: 'container', Action: 'create', Actor: { ID: 'abc', Attributes: { name: 'web', image: 'busybox' } },
    time: 1764684000, timeNano: 1764684000123456789,
  })
  assert.match(line, /^2025-12-02T14:00:00\.\d{9}Z container create abc \(image=busybox, name=web\)$/)
})
