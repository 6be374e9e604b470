// Bad input over the API and both CLIs: Docker's status codes and one-line messages, nothing half-made.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('bad')
})
after(async () => {
  await d.cleanup()
})

const nothingLeft = () => {
  assert.deepEqual(readdirSync(join(d.dataRoot, 'containers')), [])
}

test('malformed JSON is a 400 with a message', async () => {
  const r = await d.api('POST', '/v1.47/containers/create', '{"Image": "busybox",')
  assert.equal(r.status, 400)
  assert.equal(typeof r.body.message, 'string')
  nothingLeft()
})

test('a field of the wrong type is a 400 naming the field', async () => {
  const r = await d.api('POST', '/v1.47/containers/create', { Image: 'busybox', Tty: 'yes' })
  assert.equal(r.status, 400)
  assert.match(r.body.message, /Tty/)
  const r2 = await d.api('POST', '/v1.47/containers/create', { Image: 'busybox', HostConfig: { Memory: 'lots' } })
  assert.equal(r2.status, 400)
  assert.match(r2.body.message, /Memory/)
  nothingLeft()
})

test('unknown image is a 404 with Docker’s text', async () => {
  const r = await d.api('POST', '/v1.47/containers/create', { Image: 'nope:1' })
  assert.equal(r.status, 404)
  assert.equal(r.body.message, 'No such image: nope:1')
  nothingLeft()
})

test('unknown container is a 404 everywhere', async () => {
  for (const [method, path] of [
    ['GET', '/containers/ghost/json'],
    ['POST', '/containers/ghost/start'],
    ['POST', '/containers/ghost/stop'],
    ['DELETE', '/containers/ghost'],
    ['POST', '/containers/ghost/kill'],
  ] as const) {
    const r = await d.api(method, `/v1.47${path}`)
    assert.equal(r.status, 404, `${method} ${path}`)
    assert.equal(r.body.message, 'No such container: ghost')
  }
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['stop', 'ghost'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /No such container: ghost/)
    assert.equal(r.stderr.trim().split('\n').length, 1)
  }
})

test('Docker options berth does not implement yet are refused, not ignored', () => {
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['run', '--rm', '--storage-opt', 'size=1G', 'busybox', 'true'])
    assert.equal(r.code, 125)
    assert.match(r.stderr, /storage options \(--storage-opt\) not supported by berth yet/)
  }
  nothingLeft()
})

test('bad flag values fail before anything is created', () => {
  for (const cli of ['berth', 'docker'] as const) {
    for (const args of [
      ['run', '--memory', 'lots', 'busybox'],
      ['run', '--cpus', 'x', 'busybox'],
      ['run', '--ulimit', 'nofile=2:1', 'busybox'],
      ['run', '--pid', 'bogus', 'busybox'],
      ['run', '--name', 'bad name', 'busybox'],
    ]) {
      const r = d[cli](args)
      assert.equal(r.code, 125, `${cli} ${args.join(' ')}: ${r.stderr}`)
      assert.ok(r.stderr.trim().length > 0)
    }
  }
  nothingLeft()
})

test('unknown API path is 404, a Docker route berth lacks is 501, too-new version is 400', async () => {
  assert.equal((await d.api('GET', '/v1.47/nothing/here')).status, 404)
  const missing = await d.api('GET', '/v1.47/swarm')
  assert.equal(missing.status, 501)
  assert.equal(missing.body.message, 'GET /swarm is not supported by berth yet')
  const r = await d.api('GET', '/v9.99/version')
  assert.equal(r.status, 400)
  assert.match(r.body.message, /too new/)
})
