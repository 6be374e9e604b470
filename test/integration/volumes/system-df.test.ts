// `system df` through both CLIs and GET /system/df: a named volume holding 1 MiB written by a
// container shows up with one link and its size; the summary counts images, containers and
// volumes; the body validates against Docker's schema at both ends of the pinned range. Then
// two images committed on busybox: shared layers in SharedSize, LayersSize and RECLAIMABLE.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'
import { humanSize as humanSize3, humanSizeDefault as humanSize } from '../../../src/lib/human.js'

let d: TestDaemon
const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

const ok = (r: RunResult): string => {
  assert.equal(r.code, 0, r.stderr)
  return r.stdout
}

before(async () => {
  d = await startDaemon('system-df')
  ok(d.berth(['volume', 'create', 'df-vol']))
  ok(d.berth(['run', '--name', 'df-writer', '-v', 'df-vol:/data', 'busybox', 'dd', 'if=/dev/zero', 'of=/data/blob', 'bs=1024', 'count=1024']))
  ok(d.berth(['volume', 'create', 'df-idle']))
})
after(async () => {
  await d?.cleanup()
})

for (const cli of ['docker', 'berth'] as const) {
  test(`${cli} system df: summary counts and sizes`, () => {
    const lines = ok(d[cli](['system', 'df'])).trimEnd().split('\n')
    assert.match(lines[0]!, /^TYPE\s+TOTAL\s+ACTIVE\s+SIZE\s+RECLAIMABLE$/)
    const row = (type: string) => lines.find((l) => l.startsWith(type))!.slice(type.length).trim().split(/\s{2,}/)
    assert.deepEqual(row('Images').slice(0, 2), ['1', '1'])
    assert.deepEqual(row('Containers').slice(0, 2), ['1', '0'])
    const vols = row('Local Volumes')
    assert.deepEqual(vols.slice(0, 2), ['2', '1'])
    assert.equal(vols[2], '1.049MB')
    assert.equal(vols[3], '0B (0%)')
    assert.deepEqual(row('Build Cache'), ['0', '0', '0B', '0B'])
  })

  test(`${cli} system df -v: the volume with one link and ~1MB`, () => {
    const out = ok(d[cli](['system', 'df', '-v']))
    for (const h of ['Images space usage:', 'Containers space usage:', 'Local Volumes space usage:', 'Build cache usage: 0B']) assert.ok(out.includes(h), `${h} in:\n${out}`)
    assert.match(out, /VOLUME NAME\s+LINKS\s+SIZE\n/)
    assert.match(out, /\ndf-vol\s+1\s+1\.049MB\n/)
    assert.match(out, /\ndf-idle\s+0\s+0B\n/)
    assert.match(out, /df-writer\n/)
  })

  test(`${cli} system df -v --format: one template over the four lists`, () => {
    assert.equal(ok(d[cli](['system', 'df', '-v', '--format', '{{range .Volumes}}{{.Name}}:{{.Links}}:{{.Size}} {{end}}{{len .Containers}}'])), 'df-idle:0:0B df-vol:1:1.049MB 1')
    const json = JSON.parse(ok(d[cli](['system', 'df', '-v', '--format', 'json'])))
    assert.deepEqual(json.Volumes.map((v: { Name: string; Links: string }) => [v.Name, v.Links]), [['df-idle', '0'], ['df-vol', '1']])
    assert.match(json.Containers[0].ID, /^[0-9a-f]{64}$/)
  })

  test(`${cli} system df --format`, () => {
    assert.equal(ok(d[cli](['system', 'df', '--format', '{{.Type}}={{.TotalCount}}/{{.Active}}'])), 'Images=1/1\nContainers=1/0\nLocal Volumes=2/1\nBuild Cache=0/0\n')
    const json = ok(d[cli](['system', 'df', '--format', 'json'])).trimEnd().split('\n').map((l) => JSON.parse(l))
    assert.deepEqual(json[2], { Active: '1', Reclaimable: '0B (0%)', Size: '1.049MB', TotalCount: '2', Type: 'Local Volumes' })
  })
}

for (const v of ['1.41', '1.47']) {
  test(`GET /v${v}/system/df validates against the v${v} schema`, async () => {
    const r = await d.api('GET', `/v${v}/system/df`)
    assert.equal(r.status, 200, r.text)
    const bad = validateResponse('GET', '/system/df', 200, r.body, v)
    assert.deepEqual(bad, [], formatMismatches(bad))
    const vol = (r.body.Volumes as Array<{ Name: string; UsageData: { Size: number; RefCount: number } }>).find((x) => x.Name === 'df-vol')!
    assert.deepEqual(vol.UsageData, { Size: 1_048_576, RefCount: 1 })
    assert.equal(r.body.Containers[0].SizeRw >= 0, true)
    assert.equal(r.body.Images[0].Containers, 1)
    assert.deepEqual(r.body.BuildCache, [])
  })
}

test('type filter (API 1.42+) keeps only the named sections', async () => {
  const r = await d.api('GET', '/v1.47/system/df?type=volume')
  assert.equal(r.status, 200, r.text)
  assert.deepEqual(Object.keys(r.body), ['Volumes'])
  assert.equal((await d.api('GET', '/v1.47/system/df?type=bogus')).status, 400)
})

// Two images committed on busybox share its layer with it and with each other: each one's
// SharedSize is busybox's size, its UNIQUE SIZE its own layer, and LayersSize counts busybox once.
// A container of df-one keeps df-one's own layer out of RECLAIMABLE.
const sizes = { busybox: 0, one: 0, two: 0 }
const imageSize = async (ref: string) => (await d.api('GET', `/v1.47/images/${ref}/json`)).body.Size as number

test('two images committed on busybox', async () => {
  for (const [name, kib] of [['one', 300], ['two', 200]] as const) {
    ok(d.berth(['run', '--name', `df-mk-${name}`, 'busybox', 'dd', 'if=/dev/zero', `of=/${name}`, 'bs=1024', `count=${kib}`]))
    ok(d.berth(['commit', `df-mk-${name}`, `df-${name}:latest`]))
    ok(d.berth(['rm', `df-mk-${name}`]))
  }
  ok(d.berth(['create', '--name', 'df-user', 'df-one']))
  for (const k of ['busybox', 'one', 'two'] as const) sizes[k] = await imageSize(k === 'busybox' ? k : `df-${k}`)
  assert.ok(sizes.one - sizes.busybox >= 300 * 1024 && sizes.two - sizes.busybox >= 200 * 1024, JSON.stringify(sizes))
})

test('GET /system/df: SharedSize per image and the layers counted once', async () => {
  const r = await d.api('GET', '/v1.47/system/df?type=image')
  assert.equal(r.status, 200, r.text)
  const bad = validateResponse('GET', '/system/df', 200, r.body, '1.47')
  assert.deepEqual(bad, [], formatMismatches(bad))
  const rows = (r.body.Images as Array<{ RepoTags: string[]; Size: number; SharedSize: number; Containers: number }>)
    .map((i) => [i.RepoTags[0], i.Size, i.SharedSize, i.Containers])
  assert.deepEqual(rows, [
    ['df-two:latest', sizes.two, sizes.busybox, 0],
    ['df-one:latest', sizes.one, sizes.busybox, 1],
    ['busybox:latest', sizes.busybox, sizes.busybox, 1],
  ])
  assert.equal(r.body.LayersSize, sizes.one + sizes.two - sizes.busybox)
})

test('GET /images/json?shared-size=1: the same SharedSize as system df; -1 without it', async () => {
  const sharedOf = async (query: string) => {
    const r = await d.api('GET', `/v1.47/images/json${query}`)
    assert.equal(r.status, 200, r.text)
    const bad = validateResponse('GET', '/images/json', 200, r.body, '1.47')
    assert.deepEqual(bad, [], formatMismatches(bad))
    return Object.fromEntries((r.body as Array<{ RepoTags: string[]; SharedSize: number }>).map((i) => [i.RepoTags[0], i.SharedSize]))
  }
  assert.deepEqual(await sharedOf('?shared-size=1'), { 'df-two:latest': sizes.busybox, 'df-one:latest': sizes.busybox, 'busybox:latest': sizes.busybox })
  assert.deepEqual(Object.values(await sharedOf('')), [-1, -1, -1])
})

for (const cli of ['docker', 'berth'] as const) {
  test(`${cli} system df: shared layers in SIZE, RECLAIMABLE and -v`, () => {
    const total = sizes.one + sizes.two - sizes.busybox
    const reclaim = total - (sizes.one - sizes.busybox)
    const images = ok(d[cli](['system', 'df', '--format', '{{if eq .Type "Images"}}{{.TotalCount}} {{.Active}} {{.Size}} {{.Reclaimable}}{{end}}'])).trim()
    assert.equal(images, `3 2 ${humanSize(total)} ${humanSize(reclaim)} (${Math.trunc((reclaim * 100) / total)}%)`)
    const v = ok(d[cli](['system', 'df', '-v', '--format', '{{range .Images}}{{.Repository}} {{.Size}} {{.SharedSize}} {{.UniqueSize}} {{.Containers}}\n{{end}}']))
    const row = (repo: string, size: number, containers: number) =>
      `${repo} ${humanSize3(size)} ${humanSize(sizes.busybox)} ${humanSize(size - sizes.busybox)} ${containers}`
    assert.equal(v, [row('df-two', sizes.two, 0), row('df-one', sizes.one, 1), row('busybox', sizes.busybox, 1), ''].join('\n'))
    const table = ok(d[cli](['system', 'df', '-v'])).split('\n\nContainers space usage:')[0]!
    assert.match(table, /REPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/)
    assert.match(table, new RegExp(`\\ndf-one\\s+latest\\s+[0-9a-f]{12}\\s+.+ ago\\s+${esc(humanSize3(sizes.one))}\\s+${esc(humanSize(sizes.busybox))}\\s+${esc(humanSize(sizes.one - sizes.busybox))}\\s+1\\n`))
  })
}

test('both CLIs print the same system df and -v images section', () => {
  // the two CLIs run a moment apart: "1 second ago" may read "2 seconds ago" (and widen its column)
  const imagesOf = (out: string) => out.split('\n\nContainers space usage:')[0]!.replace(/(?:\d+|About an?|Less than a) \w+ ago +|CREATED +/g, '<created> ')
  assert.equal(ok(d.berth(['system', 'df'])), ok(d.docker(['system', 'df'])))
  assert.equal(imagesOf(ok(d.berth(['system', 'df', '-v']))), imagesOf(ok(d.docker(['system', 'df', '-v']))))
})

test('a build: its untagged parent step is not listed, yet the layers it holds count as shared', async () => {
  const ctx = join(d.dir, 'df-build')
  mkdirSync(ctx)
  writeFileSync(join(ctx, 'Dockerfile'), 'FROM busybox\nRUN dd if=/dev/zero of=/a bs=1024 count=100\nRUN dd if=/dev/zero of=/b bs=1024 count=50\n')
  ok(d.berth(['build', '-q', '-t', 'df-built', ctx]))
  const built = (await d.api('GET', '/v1.47/images/df-built/json')).body as { Id: string; Parent: string; Size: number }
  const parent = (await d.api('GET', `/v1.47/images/${built.Parent}/json`)).body as { Id: string; RepoTags: string[]; Size: number }
  assert.deepEqual(parent.RepoTags, [])
  const r = await d.api('GET', '/v1.47/system/df?type=image')
  const ids = (r.body.Images as Array<{ Id: string }>).map((i) => i.Id)
  assert.ok(ids.includes(built.Id) && !ids.includes(parent.Id), JSON.stringify(ids))
  assert.equal(ids.length, 4)
  const row = (r.body.Images as Array<{ Id: string; SharedSize: number }>).find((i) => i.Id === built.Id)!
  assert.equal(row.SharedSize, parent.Size)
  assert.equal(r.body.LayersSize, sizes.one + sizes.two - sizes.busybox + built.Size - sizes.busybox)
  for (const cli of ['docker', 'berth'] as const) {
    assert.equal(ok(d[cli](['system', 'df', '--format', '{{if eq .Type "Images"}}{{.TotalCount}}{{end}}'])).trim(), '4')
  }
})
