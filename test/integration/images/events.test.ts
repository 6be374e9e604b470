// Image events against a real daemon and a real registry (in the daemon's namespace): tag, push,
// rmi, pull, save, load, commit, import and build, each followed through a live GET /events, the
// kept events (--since/--until) through berth and through the docker CLI, and the API's JSON
// checked against Docker's schema. Filters (image, label, event, container) on the same events,
// `--since 0 --until <now>`, which returns the past and ends, and image prune's events.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { request, type IncomingMessage } from 'node:http'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, type TestRegistry } from '../../helpers/registry.js'
import { validateResponse } from '../../helpers/schema.js'

let d: TestDaemon
let reg: TestRegistry
let since: string
let until: string
let busyboxId: string
/** Lines of a GET /events opened before the scenario and read while it ran. */
const live: string[] = []
let liveResponse: IncomingMessage

const ok = (r: { code: number; stdout: string; stderr: string }, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}${r.stdout}`)
  return r.stdout
}
const berth = (...args: string[]) => ok(d.berth(args), `berth ${args.join(' ')}`)
const idOf = (ref: string) => berth('image', 'inspect', '--format', '{{.Id}}', ref).trim()
const nowSecs = () => (Date.now() / 1000).toFixed(3)
const FORMAT = '{{.Type}} {{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}'
/** `berth events` or `docker events` over the scenario's time range. */
const events = (cli: 'berth' | 'docker', ...args: string[]) =>
  ok(d[cli](['events', '--since', since, '--until', until, '--format', FORMAT, ...args]), `${cli} events ${args.join(' ')}`).split('\n').filter(Boolean)

function get(path: string): Promise<{ status: number; text: string }> {
  return new Promise((res, rej) => {
    request({ socketPath: d.socket, path, agent: false }, (r) => {
      let text = ''
      r.on('data', (c) => (text += c))
      r.on('end', () => res({ status: r.statusCode ?? 0, text }))
    })
      .on('error', rej)
      .end()
  })
}

before(async () => {
  d = await startDaemon('image-events')
  reg = await startRegistry({ netns: d.netns })
  busyboxId = idOf('busybox')
  await new Promise<void>((res, rej) => {
    const filters = encodeURIComponent(JSON.stringify({ type: ['image'] }))
    // no agent: the global one times out a socket left unread while spawnSync blocks this loop
    request({ socketPath: d.socket, path: `/v1.47/events?filters=${filters}`, agent: false }, (r) => {
      liveResponse = r
      r.setEncoding('utf8')
      let rest = ''
      r.on('data', (c: string) => {
        const lines = (rest + c).split('\n')
        rest = lines.pop()!
        live.push(...lines.filter(Boolean))
      })
      res()
    })
      .on('error', rej)
      .end()
  })
  since = nowSecs()
})

after(async () => {
  liveResponse?.destroy()
  await reg?.stop()
  await d?.cleanup()
})

test('image events: tag, push, untag, pull, save, load, commit, import and build, as dockerd logs them', async () => {
  const R = `${reg.host}/ev/app`
  berth('tag', 'busybox', 'ev-app:1')
  ok(d.docker(['tag', 'ev-app:1', `${R}:1`]), 'docker tag')
  berth('push', `${R}:1`)
  berth('rmi', `${R}:1`)
  ok(d.docker(['pull', `${R}:1`]), 'docker pull')
  const archive = join(d.dir, 'ev-app.tar')
  berth('save', '-o', archive, 'ev-app:1')
  berth('load', '-i', archive)

  berth('run', '--name', 'ev-c', 'busybox', 'sh', '-c', 'echo x > /x')
  berth('commit', '-c', 'LABEL tier=web', 'ev-c', 'ev-commit:1')
  const commitId = idOf('ev-commit:1')
  berth('rm', 'ev-c')

  const rootfs = join(d.dir, 'rootfs')
  mkdirSync(rootfs)
  writeFileSync(join(rootfs, 'hello'), 'hi\n')
  const tarball = join(d.dir, 'rootfs.tar')
  assert.equal(spawnSync('tar', ['-C', rootfs, '-cf', tarball, '.']).status, 0)
  berth('import', '-c', 'LABEL src=tar', tarball, 'ev-imp:1')
  const importId = idOf('ev-imp:1')

  const ctx = join(d.dir, 'ctx')
  mkdirSync(ctx)
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nLABEL stage=b\nRUN echo built > /b\n')
  berth('build', '-q', '-t', 'ev-build:1', ctx)
  const buildId = idOf('ev-build:1')
  const labelStep = berth('image', 'inspect', '--format', '{{.Parent}}', 'ev-build:1').trim()

  berth('rmi', 'ev-commit:1', 'ev-build:1')
  until = nowSecs()

  const expected = [
    `image tag ${busyboxId} ev-app:1`,
    `image tag ${busyboxId} ${R}:1`,
    `image push ${R}:1 ${R}`,
    // the tag, and the digest reference the push recorded in that repository
    `image untag ${busyboxId} ${busyboxId}`,
    `image untag ${busyboxId} ${busyboxId}`,
    `image pull ${R}:1 ${R}`,
    `image save ${busyboxId} ${busyboxId}`,
    `image load ${busyboxId} ${busyboxId}`,
    `image create ${commitId} ${commitId}`,
    `image tag ${commitId} ev-commit:1`,
    `image tag ${importId} ev-imp:1`,
    `image import ${importId} ${importId}`,
    `image create ${labelStep} ${labelStep}`,
    `image create ${buildId} ${buildId}`,
    `image tag ${buildId} ev-build:1`,
    `image untag ${commitId} ${commitId}`,
    `image delete ${commitId} ${commitId}`,
    `image untag ${buildId} ${buildId}`,
    `image delete ${buildId} ${buildId}`,
    `image delete ${labelStep} ${labelStep}`,
  ]
  assert.deepEqual(events('berth', '--filter', 'type=image'), expected)
  assert.deepEqual(events('docker', '--filter', 'type=image'), expected)

  // the live stream saw the same events as they happened, each a valid events.Message; its
  // lines wait in the socket while spawnSync blocks this loop, so let them in
  for (let i = 0; i < 100 && live.length < expected.length; i++) await new Promise((r) => setTimeout(r, 20))
  const messages = live.map((l) => JSON.parse(l))
  assert.deepEqual(messages.map((m) => `${m.Type} ${m.Action} ${m.Actor.ID} ${m.Actor.Attributes.name}`), expected)
  for (const m of messages) assert.deepEqual(validateResponse('GET', '/events', 200, m), [], JSON.stringify(m))
  // labels of the image ride along while it exists: not on its delete
  const commitEvents = messages.filter((m) => m.Actor.ID === commitId)
  assert.deepEqual(commitEvents.map((m) => `${m.Action} ${m.Actor.Attributes.tier}`), ['create web', 'tag web', 'untag web', 'delete undefined'])
  assert.equal(messages.find((m) => m.Action === 'import').Actor.Attributes.src, 'tar')
  assert.deepEqual(messages.find((m) => m.Action === 'tag').status, 'tag', 'API 1.47 still has the deprecated status')

  // docker commit also logs a commit event on the container, with the new image
  const commit = events('berth', '--filter', 'container=ev-c', '--filter', 'event=commit', '--format', '{{.Actor.Attributes.imageID}} {{.Actor.Attributes.imageRef}} {{.Actor.Attributes.image}}')
  assert.deepEqual(commit, [`${commitId} ev-commit:1 busybox`])
})

test('filters: image matches container events by their image and image events by ID or name; label, event and container', () => {
  const R = `${reg.host}/ev/app`
  const actions = (cli: 'berth' | 'docker', ...filters: string[]) => {
    const args = filters.flatMap((f) => ['--filter', f])
    return ok(d[cli](['events', '--since', since, '--until', until, '--format', '{{.Type}} {{.Action}}', ...args]), 'events').split('\n').filter(Boolean)
  }
  for (const cli of ['berth', 'docker'] as const) {
    // ev-c was run from busybox: every one of its events says so, destroy included
    assert.deepEqual(actions(cli, 'image=busybox', 'container=ev-c'), ['container create', 'container start', 'container die', 'container commit', 'container destroy'])
    // the pulled and pushed reference, with or without its tag
    assert.deepEqual(actions(cli, `image=${R}`), ['image tag', 'image push', 'image pull'])
    assert.deepEqual(actions(cli, `image=${R}:1`, 'type=image'), ['image tag', 'image push', 'image pull'])
    // and the builder's container for the LABEL step, made from busybox by ID
    assert.deepEqual(actions(cli, `image=${busyboxId}`), ['image tag', 'image tag', 'image untag', 'image untag', 'image save', 'image load', 'container create', 'container destroy'])
    assert.deepEqual(actions(cli, 'label=tier=web'), ['image create', 'image tag', 'image untag'])
    assert.deepEqual(actions(cli, 'label=stage', 'type=image'), ['image create', 'image create', 'image tag', 'image untag'])
    assert.deepEqual(actions(cli, 'event=untag', 'event=delete'), ['image untag', 'image untag', 'image untag', 'image delete', 'image untag', 'image delete', 'image delete'])
  }
})

test('--since 0 --until now: the past events, then the stream ends; image create hidden before API 1.46; since after until refused', async () => {
  const now = nowSecs()
  for (const cli of ['berth', 'docker'] as const) {
    const r = d[cli](['events', '--since', '0', '--until', now, '--filter', 'type=image', '--format', '{{.Action}}'], { timeoutMs: 20_000 })
    assert.equal(r.code, 0, r.stderr)
    assert.deepEqual(r.stdout.split('\n').filter(Boolean), live.map((l) => JSON.parse(l).Action), `${cli} --since 0`)
  }
  const all = await get(`/v1.47/events?since=0&until=${now}`)
  assert.equal(all.status, 200)
  const types = new Set(all.text.split('\n').filter(Boolean).map((l) => JSON.parse(l).Type))
  assert.ok(types.has('container') && types.has('image'), [...types].join())
  // image create events are new in API 1.46
  const old = await get(`/v1.45/events?since=0&until=${now}&filters=${encodeURIComponent('{"event":["create"],"type":["image"]}')}`)
  assert.equal(old.text, '')
  const bad = await get(`/v1.47/events?since=${now}&until=1`)
  assert.equal(bad.status, 400)
  assert.match(bad.text, /`since` time \(.*\) cannot be after `until` time \(1\)/)
})

test('image prune: delete for each dangling image, then prune with the space reclaimed', async () => {
  const from = nowSecs()
  berth('run', '--name', 'ev-p', 'busybox', 'sh', '-c', 'echo p > /p')
  const id = berth('commit', 'ev-p').trim()
  berth('rm', 'ev-p')
  berth('image', 'prune', '-f')
  const r = await get(`/v1.47/events?since=${from}&until=${nowSecs()}&filters=${encodeURIComponent('{"type":["image"]}')}`)
  const messages = r.text.split('\n').filter(Boolean).map((l) => JSON.parse(l))
  assert.deepEqual(messages.map((m) => `${m.Action} ${m.Actor.ID}`), [`create ${id}`, `delete ${id}`, 'prune '])
  assert.ok(Number(messages[2].Actor.Attributes.reclaimed) > 0, JSON.stringify(messages[2]))
})
