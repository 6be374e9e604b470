// `system df` through both CLIs and GET /system/df: a named volume holding 1 MiB written by a
// container shows up with one link and its size; the summary counts images, containers and
// volumes; the body validates against Docker's schema at both ends of the pinned range.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'

let d: TestDaemon

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
