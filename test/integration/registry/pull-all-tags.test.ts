// `docker pull -a` (and POST /images/create with no tag) against a real registry: every tag the
// registry lists, each with its own progress lines, one status line for the repository; the
// CLIs' refusals. Then push's messages for a digest reference and for a repository known only by
// digest, through both CLIs and the API. One daemon and one registry for the whole file.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { apiPull, startRegistry, writeTestArchive, type TestFile, type TestRegistry } from '../../helpers/registry.js'

let d: TestDaemon
let reg: TestRegistry
let R: string

const BUSYBOX: TestFile = { path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 }

function manifestDigest(repo: string, tag: string): string {
  const r = reg.exec(['curl', '-sfI', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `${reg.url}/v2/${repo}/manifests/${tag}`])
  const m = /docker-content-digest: (sha256:[0-9a-f]{64})/i.exec(r.stdout)
  assert.ok(m, `no digest for ${repo}:${tag}: ${r.stdout}${r.stderr}`)
  return m[1]!
}

/** The repository's tags in the local store, as `images` lists them. */
const localTags = (repo: string) =>
  d.berth(['images', '--format', '{{.Tag}} {{.ID}}', `${R}/${repo}`]).stdout.trim().split('\n').filter(Boolean).sort()

/** POST /images/{name}/push with no tag on the daemon's socket: the stream's JSON lines. */
function apiPush(name: string): Promise<{ status: number; lines: Array<Record<string, any>> }> {
  return new Promise((res, rej) => {
    const auth = Buffer.from('{}').toString('base64url')
    const req = request({ socketPath: d.socket, method: 'POST', path: `/v1.47/images/${name}/push`, headers: { 'X-Registry-Auth': auth } }, (r) => {
      let text = ''
      r.on('data', (c) => (text += c))
      r.on('end', () => res({ status: r.statusCode ?? 0, lines: text.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l)) }))
    })
    req.on('error', rej)
    req.end()
  })
}

const digests: Record<string, string> = {}
/** The tags of x/all in the order the registry lists them: the order they are pulled in. */
let order: string[]
/** Per tag in `order`: its "Pulling from" and "Digest" lines. */
const perTag = () => order.flatMap((t) => [`${t}: Pulling from x/all`, `Digest: ${digests[t]}`])

before(async () => {
  d = await startDaemon('reg-pull-all')
  reg = await startRegistry({ netns: d.netns })
  R = reg.host
  await writeTestArchive(join(d.dir, 'one.tar'), 'x/all:1', [[BUSYBOX], [{ path: 'etc/which', content: 'one\n' }]])
  await writeTestArchive(join(d.dir, 'two.tar'), 'x/all:2', [[BUSYBOX], [{ path: 'etc/which', content: 'two\n' }]])
  reg.push(`docker-archive:${join(d.dir, 'one.tar')}`, 'x/all:1')
  reg.push(`docker-archive:${join(d.dir, 'two.tar')}`, 'x/all:2')
  // a third tag for the first image: pulled after it, nothing is left to download
  reg.push(`docker-archive:${join(d.dir, 'one.tar')}`, 'x/all:3')
  reg.push(`docker-archive:${join(d.dir, 'two.tar')}`, 'x/pinned:1')
  for (const t of ['1', '2', '3']) digests[t] = manifestDigest('x/all', t)
  order = JSON.parse(reg.exec(['curl', '-sf', `${reg.url}/v2/x/all/tags/list`]).stdout).tags
  assert.deepEqual([...order].sort(), ['1', '2', '3'])
  digests.pinned = manifestDigest('x/pinned', '1')
})

after(async () => {
  await reg?.stop()
  await d?.cleanup()
})

test('pull -a through the berth CLI: every tag in the registry\'s order, one status line, the repository printed', () => {
  const r = d.berth(['pull', '-a', `${R}/x/all`])
  assert.equal(r.code, 0, r.stderr)
  const lines = r.stdout.trimEnd().split('\n')
  assert.deepEqual(lines.filter((l) => / Pulling from |^Digest: /.test(l)), perTag())
  // tags 1 and 3 name one image: the later of them has nothing to download, only its two lines
  const later = order.indexOf('1') > order.indexOf('3') ? '1' : '3'
  const at = lines.indexOf(`${later}: Pulling from x/all`)
  assert.equal(lines[at + 1], `Digest: ${digests[later]}`)
  assert.deepEqual(lines.slice(-2), [`Status: Downloaded newer image for ${R}/x/all`, `${R}/x/all`])
  assert.equal(lines.filter((l) => l.startsWith('Status: ')).length, 1)
  assert.doesNotMatch(r.stdout, /Using default tag/)
  const tags = localTags('x/all')
  assert.deepEqual(tags.map((t) => t.split(' ')[0]), ['1', '2', '3'])
  assert.equal(tags[0]!.split(' ')[1], tags[2]!.split(' ')[1])
  assert.notEqual(tags[0]!.split(' ')[1], tags[1]!.split(' ')[1])
  const inspected = JSON.parse(d.berth(['image', 'inspect', `${R}/x/all:2`]).stdout)[0]
  assert.deepEqual(inspected.RepoDigests, [`${R}/x/all@${digests['2']}`])
})

test('pull -a through the docker CLI and the API: up to date the second time, the same lines', async () => {
  const r = d.docker(['pull', '-a', `${R}/x/all`])
  assert.equal(r.code, 0, r.stderr)
  assert.equal(r.stdout, [
    ...perTag(),
    `Status: Image is up to date for ${R}/x/all`, `${R}/x/all`, '',
  ].join('\n'))
  const q = d.berth(['pull', '-a', '-q', `${R}/x/all`])
  assert.equal(q.stdout, `${R}/x/all\n`, q.stderr)

  // the API: no tag parameter is every tag; a trailing ':' (old clients) too
  for (const fromImage of [`${R}/x/all`, `${R}/x/all:`]) {
    const api = await apiPull(d.socket, fromImage)
    assert.equal(api.status, 200)
    assert.deepEqual(api.lines.map((l) => (l.id ? `${l.id}: ${l.status}` : l.status)), [
      ...perTag(),
      `Status: Image is up to date for ${R}/x/all`,
    ])
  }
  // one pull event for the repository, as dockerd
  const events = d.berth(['events', '--since', '0', '--until', String(Math.floor(Date.now() / 1000) + 1), '--filter', 'event=pull', '--format', '{{.Actor.ID}}'])
  assert.ok(events.stdout.split('\n').includes(`${R}/x/all`), events.stdout + events.stderr)
  assert.ok(!events.stdout.split('\n').includes(`${R}/x/all:1`), events.stdout)
})

test('pull -a refusals: a tag or digest with -a (in the CLI, as docker), a repository the registry does not know', () => {
  for (const cli of ['berth', 'docker'] as const) {
    for (const ref of [`${R}/x/all:1`, `${R}/x/all@${digests['1']}`]) {
      const r = d[cli](['pull', '-a', ref])
      assert.equal(r.code, 1, `${cli} ${ref}: ${r.stdout}${r.stderr}`)
      assert.equal(r.stderr.trim(), "tag can't be used with --all-tags/-a", cli)
      assert.equal(r.stdout, '')
    }
  }
  const docker = d.docker(['pull', '-a', `${R}/x/none`])
  const berth = d.berth(['pull', '-a', `${R}/x/none`])
  assert.equal(docker.code, 1)
  assert.match(docker.stderr, new RegExp(`^Error response from daemon: repository ${R.replace(/\./g, '\\.')}/x/none not found: name unknown`))
  assert.equal(berth.code, 1)
  assert.equal(berth.stderr, docker.stderr)
  assert.deepEqual(localTags('x/none'), [])
})

test('pull without a tag and without -a: the default tag, said first', () => {
  const r = d.berth(['pull', `${R}/x/nolatest`])
  assert.equal(r.code, 1)
  assert.equal(r.stdout, 'Using default tag: latest\n')
  const docker = d.docker(['pull', `${R}/x/nolatest`])
  assert.equal(docker.stdout, r.stdout)
  assert.equal(docker.stderr, r.stderr)
})

test('push messages: a digest reference; a repository known only by digest has no tags to push', async () => {
  const pinned = `${R}/x/pinned`
  const manifestPuts = () => reg.log().split('\n').filter((l) => l.includes('"PUT /v2/x/pinned/manifests/')).length
  const putsBefore = manifestPuts()
  const pulled = d.berth(['pull', `${pinned}@${digests.pinned}`])
  assert.equal(pulled.code, 0, pulled.stderr)
  for (const cli of ['berth', 'docker'] as const) {
    // the CLI refuses a digest itself
    const digest = d[cli](['push', `${pinned}@${digests.pinned}`])
    assert.equal(digest.code, 1, cli)
    assert.equal(digest.stdout, '', cli)
    assert.equal(digest.stderr.trim(), 'cannot push a digest reference', cli)
    // the daemon: the repository exists (a digest names it) but has no tag
    const all = d[cli](['push', '-a', pinned])
    assert.equal(all.code, 1, cli)
    assert.equal(all.stdout, `The push refers to repository [${pinned}]\n`, cli)
    assert.equal(all.stderr.trim(), `no tags to push for ${pinned}`, cli)
    const latest = d[cli](['push', pinned])
    assert.equal(latest.code, 1, cli)
    assert.equal(latest.stdout, `Using default tag: latest\nThe push refers to repository [${pinned}]\n`, cli)
    assert.equal(latest.stderr.trim(), `tag does not exist: ${pinned}:latest`, cli)
  }
  // a digest sent to the API: the repository line, then dockerd's refusal in the stream
  const known = await apiPush(`${pinned}@${digests.pinned}`)
  assert.equal(known.status, 200)
  assert.deepEqual(known.lines.map((l) => l.status ?? l.error), [`The push refers to repository [${pinned}]`, 'cannot push a digest reference'])
  const unknown = await apiPush(`${R}/x/nothing@${digests.pinned}`)
  assert.deepEqual(unknown.lines.map((l) => l.status ?? l.error), [`The push refers to repository [${R}/x/nothing]`, `An image does not exist locally with the tag: ${R}/x/nothing`])
  assert.equal(manifestPuts(), putsBefore)
})
