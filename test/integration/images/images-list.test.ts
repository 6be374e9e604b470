// images and history output through both CLIs against one daemon: --digests (also for an image
// pulled from a registry, so with real RepoDigests), --no-trunc, --format with {{.Digest}}, raw,
// the list filters (reference, before, since, until, label, dangling), history's
// -H/--no-trunc/-q/--format, and image prune -a with until/label filters.
// The docker CLI formats client-side from the same API answers, so berth must print the same
// bytes; exact expectations pin the parts that do not depend on the date.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, writeTestArchive, type TestRegistry } from '../../helpers/registry.js'
import { FIXTURES } from './env.js'

const ARCHIVE = join(FIXTURES, 'whiteouts.docker-save.tar')
const FX = 'fx-whiteouts:1'
const FX_ID = 'sha256:91b3096d40ffcd6631efe74d743062cc6675e9af17ba34d23e31f8420e0965a4'
let d: TestDaemon
let bbId: string
let reg: TestRegistry | undefined

before(async () => {
  d = await startDaemon('images-list')
  load()
  bbId = both(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).trim()
})
after(async () => {
  await reg?.stop()
  await d.cleanup()
})

function load() {
  const r = d.berth(['load', '-q', '-i', ARCHIVE])
  assert.equal(r.code, 0, r.stderr)
}

/** Runs args through both CLIs; they must agree on everything; returns stdout. */
function both(args: string[], code = 0): string {
  const b = d.berth(args)
  const k = d.docker(args)
  assert.deepEqual(b, k, `berth and docker differ on ${args.join(' ')}`)
  assert.equal(b.code, code, `${args.join(' ')}: ${b.stderr}`)
  return b.stdout
}

const lines = (s: string) => s.split('\n').filter(Boolean)

test('--digests adds a DIGEST column (<none> for loaded images); {{.Digest}} in --format', () => {
  const table = lines(both(['images', '--digests', 'fx-whiteouts']))
  assert.match(table[0]!, /^REPOSITORY +TAG +DIGEST +IMAGE ID +CREATED +SIZE$/)
  assert.match(table[1]!, /^fx-whiteouts +1 +<none> +91b3096d40ff +\d+ \w+ ago +1\.98MB$/)
  assert.equal(table.length, 2)
  const noTrunc = lines(both(['images', '--digests', '--no-trunc', FX]))
  assert.match(noTrunc[1]!, new RegExp(`^fx-whiteouts +1 +<none> +${FX_ID} `))
  assert.equal(both(['images', '--format', '{{.Repository}} {{.Digest}} {{.ID}}', FX]), `fx-whiteouts <none> ${FX_ID.slice(7, 19)}\n`)
  // a custom table with --digests gets the column appended
  assert.equal(both(['images', '--digests', '--format', 'table {{.Repository}}', FX]), 'REPOSITORY     DIGEST\nfx-whiteouts   <none>\n')
  assert.match(both(['images', '--digests', '--format', 'raw', FX]), new RegExp(`^repository: fx-whiteouts\ntag: 1\ndigest: <none>\nimage_id: ${FX_ID.slice(7, 19)}\ncreated_at: 2026-11-23 04:22:34 \\+0000 UTC\nvirtual_size: 1\\.98MB\n\n$`))
})

test('filters: reference, before, since, until, label, dangling', async () => {
  // the filters are the daemon's: asked through the API for most (no CLI start-up per check),
  // through both CLIs where the client could matter
  const f = async (...filters: string[]) => {
    const q: Record<string, string[]> = {}
    for (const x of filters) (q[x.slice(0, x.indexOf('='))] ??= []).push(x.slice(x.indexOf('=') + 1))
    const r = await d.api('GET', `/images/json?filters=${encodeURIComponent(JSON.stringify(q))}`)
    assert.equal(r.status, 200, r.text)
    return (r.body as Array<{ RepoTags: string[] }>).map((im) => `${im.RepoTags.join(',')}\n`).join('')
  }
  assert.equal(await f('reference=fx-*'), `${FX}\n`)
  assert.equal(await f(`before=${FX}`), 'busybox:latest\n')
  assert.equal(both(['images', '-q', '--filter', 'since=busybox']), `${FX_ID.slice(7, 19)}\n`)
  assert.equal(await f('since=busybox', `before=${FX}`), '')
  // the fixture was built on 2026-11-23; busybox (built in) is older
  assert.equal(both(['images', '--format', '{{.Repository}}', '--filter', 'until=2026-11-01T00:00:00Z']), 'busybox\n')
  assert.equal(await f('until=2026-11-23T05:00:00Z', 'since=busybox'), `${FX}\n`)
  assert.equal(await f('label=org.example.fixture'), `${FX}\n`)
  assert.equal(await f('label=org.example.fixture=whiteouts'), `${FX}\n`)
  assert.equal(await f('label=org.example.fixture=other'), '')
  assert.equal(await f('dangling=false', 'reference=busybox'), 'busybox:latest\n')
  assert.equal(await f('dangling=true'), '')
  for (const cli of ['berth', 'docker'] as const) {
    assert.deepEqual(d[cli](['images', '--filter', 'colour=red']), { code: 1, stdout: '', stderr: "Error response from daemon: invalid filter 'colour'\n" }, cli)
  }
  const bad = async (filters: object) => {
    const r = await d.api('GET', `/images/json?filters=${encodeURIComponent(JSON.stringify(filters))}`)
    return [r.status, r.body?.message]
  }
  assert.deepEqual(await bad({ until: ['soon'] }), [400, 'failed to parse value as time or duration: "soon"'])
  assert.deepEqual(await bad({ before: ['nope'] }), [404, 'No such image: nope:latest'])
  assert.deepEqual(await bad({ dangling: ['maybe'] }), [400, "Invalid filter 'dangling=[maybe]'"])
})

test('history: CREATED BY cut at 45 with …, --no-trunc, -H=false, -q, --format', () => {
  const table = lines(both(['history', FX]))
  // the CREATED column is as wide as its widest "N units ago", which changes with the date
  assert.match(table[0]!, /^IMAGE {10}CREATED +CREATED BY {38}SIZE {6}COMMENT$/)
  assert.equal(table[0]!.indexOf('CREATED BY'), table[1]!.indexOf('/bin/sh'))
  assert.match(table[1]!, /^91b3096d40ff   \d+ \w+ ago +\/bin\/sh -c #\(nop\)  CMD \["sh" "-c" "cat \/data… +0B +$/)
  assert.match(table[8]!, /^<missing> +\d+ \w+ ago +\/bin\/sh -c mkdir -p \/data\/keep \/data\/gone \/o… +17B +$/)
  assert.match(table[9]!, /^<missing> +\d+ \w+ ago + +\d+(\.\d+)?MB +Imported from -$/)
  const full = lines(both(['history', '--no-trunc', FX]))
  assert.match(full[1]!, new RegExp(`^${FX_ID} +\\d+ \\w+ ago +/bin/sh -c #\\(nop\\)  CMD \\["sh" "-c" "cat /data/keep/a"\\] +0B`))
  const raw = lines(both(['history', '-H=false', FX]))
  assert.match(raw[0]!, /^IMAGE +CREATED AT +CREATED BY +SIZE +COMMENT$/)
  assert.match(raw[1]!, /^91b3096d40ff +2026-11-23T04:22:34Z +\/bin\/sh -c #\(nop\)  CMD .+ +0 +$/)
  assert.match(raw[8]!, / 17 +$/)
  assert.equal(both(['history', '-q', FX]), `${FX_ID.slice(7, 19)}\n${'<missing>\n'.repeat(8)}`)
  assert.equal(lines(both(['history', '-q', '--no-trunc', FX]))[0], FX_ID)
  assert.match(both(['history', '--format', '{{.ID}} {{.Size}} {{.CreatedAt}}', 'busybox']), new RegExp(`^${bbId.slice(7, 19)} \\d+(\\.\\d+)?MB \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ\n$`))
})

test('image prune -a with until and label filters removes only what matches', () => {
  for (const cli of ['berth', 'docker'] as const) {
    const prune = (...filters: string[]) => {
      const r = d[cli](['image', 'prune', '-a', '-f', ...filters.flatMap((x) => ['--filter', x])])
      assert.equal(r.code, 0, r.stderr)
      return r.stdout
    }
    assert.equal(prune('until=2000-01-01T00:00:00Z'), 'Total reclaimed space: 0B\n', cli)
    assert.equal(prune('label=org.example.fixture=other'), 'Total reclaimed space: 0B\n', cli)
    const out = lines(prune('label=org.example.fixture=whiteouts', 'until=1h'))
    assert.deepEqual(out.slice(0, 3), ['Deleted Images:', `untagged: ${FX}`, `deleted: ${FX_ID}`], cli)
    assert.match(out.at(-1)!, /^Total reclaimed space: \d+(\.\d+)?MB$/)
    assert.equal(d[cli](['images', '-q', '--no-trunc']).stdout, `${bbId}\n`, cli)
    load()
  }
})

test('--digests of a pulled image: a row per tag with its digest; a digest-only row when pulled by digest', async () => {
  reg = await startRegistry({ netns: d.netns })
  const archive = join(d.dir, 'digested.tar')
  await writeTestArchive(archive, 'x/dg:1', [[{ path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 }]])
  reg.push(`docker-archive:${archive}`, 'x/dg:1')
  const repo = `${reg.host}/x/dg`
  assert.equal(d.berth(['pull', '-q', `${repo}:1`]).code, 0)
  assert.equal(d.berth(['tag', `${repo}:1`, `${repo}:2`]).code, 0)
  const digest = JSON.parse(d.berth(['image', 'inspect', `${repo}:1`]).stdout)[0].RepoDigests[0].split('@')[1] as string
  assert.match(digest, /^sha256:[0-9a-f]{64}$/)
  const f = '{{.Repository}} {{.Tag}} {{.Digest}}'
  assert.equal(both(['images', '--digests', '--format', f, repo]), `${repo} 1 ${digest}\n${repo} 2 ${digest}\n`)
  assert.equal(both(['images', '--format', f, repo]), `${repo} 1 ${digest}\n${repo} 2 ${digest}\n`)
  assert.equal(both(['images', '--format', '{{.Repository}} {{.Tag}}', repo]), `${repo} 1\n${repo} 2\n`)
  const table = lines(both(['images', '--digests', repo]))
  assert.match(table[1]!, new RegExp(`^${repo.replaceAll('.', '\\.')} +1 +${digest} +[0-9a-f]{12} `))
  // untagging the repository's last tag drops its digest references too (the image goes, as
  // dockerd); pulled by digest, the image has a digest reference only: a <none> tag row
  assert.equal(d.berth(['rmi', `${repo}:1`, `${repo}:2`]).code, 0)
  assert.equal(both(['images', '-q', repo]), '')
  assert.equal(d.berth(['pull', '-q', `${repo}@${digest}`]).code, 0)
  assert.equal(both(['images', '--digests', '--format', f, repo]), `${repo} <none> ${digest}\n`)
  assert.equal(both(['images', '--format', f, repo]), `${repo} <none> \n`)
  assert.equal(both(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}']), `${repo}\n`)
  assert.equal(d.berth(['rmi', `${repo}@${digest}`]).code, 0)
})
