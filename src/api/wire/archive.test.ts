import { test } from 'node:test'
import assert from 'node:assert/strict'
import { goFileMode, pathStatHeader } from './archive.js'

test('goFileMode matches Go os.FileMode bits', () => {
  assert.equal(goFileMode(0o100644), 0o644)
  assert.equal(goFileMode(0o040755), 2 ** 31 + 0o755)
  assert.equal(goFileMode(0o120777), 2 ** 27 + 0o777)
  assert.equal(goFileMode(0o041777), 2 ** 31 + 2 ** 20 + 0o777) // /tmp: dir + sticky
  assert.equal(goFileMode(0o104755), 2 ** 23 + 0o755) // setuid
  assert.equal(goFileMode(0o020666), 2 ** 26 + 2 ** 21 + 0o666) // char device
  assert.equal(goFileMode(0o010644), 2 ** 25 + 0o644)
})

test('pathStatHeader is base64 JSON with Docker field names', () => {
  const h = pathStatHeader({ name: 'x', size: 3, mode: 0o100600, mtime: new Date(0), linkTarget: '' })
  assert.deepEqual(JSON.parse(Buffer.from(h, 'base64').toString()), { name: 'x', size: 3, mode: 0o600, mtime: '1970-01-01T00:00:00.000Z', linkTarget: '' })
})
