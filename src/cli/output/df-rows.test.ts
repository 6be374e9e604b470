import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ContainerSummary, DiskUsage, ImageSummary, Volume } from '../../client/types.js'
import { dfRows, renderDf, renderDfVerbose } from './df-rows.js'

const image = (id: string, size: number, containers: number): ImageSummary => ({
  Id: `sha256:${id.repeat(64).slice(0, 64)}`, ParentId: '', RepoTags: [`img${id}:latest`], RepoDigests: [], Created: 0, Size: size, SharedSize: 0, Labels: {}, Containers: containers,
})
const container = (id: string, state: string, rw: number): ContainerSummary => ({
  Id: id.repeat(64).slice(0, 64), Names: [`/c${id}`], Image: 'busybox', ImageID: 'sha256:aa', Command: 'sleep 300', Created: 0, Ports: [], SizeRw: rw, SizeRootFs: rw, Labels: {}, State: state, Status: state, Mounts: [],
})
const volume = (name: string, size: number, refs: number): Volume => ({
  Name: name, Driver: 'local', Mountpoint: `/v/${name}/_data`, Labels: null, Scope: 'local', Options: null, UsageData: { Size: size, RefCount: refs },
})

const du: DiskUsage = {
  LayersSize: 4_000_000,
  Images: [image('a', 3_000_000, 1), image('b', 1_000_000, 0)],
  Containers: [container('1', 'running', 2_000), container('2', 'exited', 1_000)],
  Volumes: [volume('data', 1_048_576, 1), volume('old', 500, 0)],
  BuildCache: [],
}

test('summary rows count, size and reclaim as docker does', () => {
  assert.deepEqual(dfRows(du), [
    { Active: '1', Reclaimable: '1MB (25%)', Size: '4MB', TotalCount: '2', Type: 'Images' },
    { Active: '1', Reclaimable: '1kB (33%)', Size: '3kB', TotalCount: '2', Type: 'Containers' },
    { Active: '1', Reclaimable: '500B (0%)', Size: '1.049MB', TotalCount: '2', Type: 'Local Volumes' },
    { Active: '0', Reclaimable: '0B', Size: '0B', TotalCount: '0', Type: 'Build Cache' },
  ])
})

test('empty daemon: zero sizes without percentages', () => {
  const rows = dfRows({ LayersSize: 0, Images: [], Containers: [], Volumes: [], BuildCache: [] })
  assert.deepEqual(rows.map((r) => [r.Type, r.TotalCount, r.Size, r.Reclaimable]), [
    ['Images', '0', '0B', '0B'], ['Containers', '0', '0B', '0B'], ['Local Volumes', '0', '0B', '0B'], ['Build Cache', '0', '0B', '0B'],
  ])
})

test('default table, template and json', () => {
  assert.equal(renderDf(du, undefined), [
    'TYPE            TOTAL     ACTIVE    SIZE      RECLAIMABLE',
    'Images          2         1         4MB       1MB (25%)',
    'Containers      2         1         3kB       1kB (33%)',
    'Local Volumes   2         1         1.049MB   500B (0%)',
    'Build Cache     0         0         0B        0B',
    '',
  ].join('\n'))
  assert.equal(renderDf(du, '{{.Type}}: {{.Size}}'), 'Images: 4MB\nContainers: 3kB\nLocal Volumes: 1.049MB\nBuild Cache: 0B\n')
  assert.deepEqual(JSON.parse(renderDf(du, 'json').split('\n')[2]!), { Active: '1', Reclaimable: '500B (0%)', Size: '1.049MB', TotalCount: '2', Type: 'Local Volumes' })
})

test('verbose: the four sections with docker headers', () => {
  const out = renderDfVerbose(du, 10_000)
  assert.match(out, /^Images space usage:\n\nREPOSITORY\s+TAG\s+IMAGE ID\s+CREATED\s+SIZE\s+SHARED SIZE\s+UNIQUE SIZE\s+CONTAINERS\n/)
  assert.match(out, /\nimga\s+latest\s+aaaaaaaaaaaa\s+N\/A\s+3MB\s+0B\s+3MB\s+1\n/)
  assert.match(out, /\n\nContainers space usage:\n\nCONTAINER ID\s+IMAGE\s+COMMAND\s+LOCAL VOLUMES\s+SIZE\s+CREATED\s+STATUS\s+NAMES\n111111111111\s+busybox\s+"sleep 300"\s+0\s+2kB\s+/)
  assert.match(out, /\n\nLocal Volumes space usage:\n\nVOLUME NAME\s+LINKS\s+SIZE\ndata\s+1\s+1\.049MB\nold\s+0\s+500B\n/)
  assert.match(out, /\n\nBuild cache usage: 0B\n\nCACHE ID\s+CACHE TYPE\s+SIZE\s+CREATED\s+LAST USED\s+USAGE\s+SHARED\n$/)
})

test('verbose with --format: one template over the four lists, IDs untruncated, json of the whole', () => {
  assert.equal(renderDfVerbose(du, 10_000, '{{range .Volumes}}{{.Name}} {{.Links}} {{.Size}}\n{{end}}{{len .Images}}'), 'data 1 1.049MB\nold 0 500B\n2')
  assert.equal(renderDfVerbose(du, 10_000, '{{range .Containers}}{{.ID}}{{end}}'), '1'.repeat(64) + '2'.repeat(64))
  const json = JSON.parse(renderDfVerbose(du, 10_000, 'json'))
  assert.deepEqual(Object.keys(json), ['Images', 'Containers', 'Volumes', 'BuildCache'])
  assert.deepEqual([json.Volumes[0].Name, json.Volumes[0].Links, json.BuildCache], ['data', '1', []])
})

// two images on one 2 MB base layer, one in use: LayersSize counts the base once
const shared: DiskUsage = {
  LayersSize: 2_500_000,
  Images: [
    { ...image('a', 2_300_000, 1), SharedSize: 2_000_000, RepoTags: ['zeta:1', 'alpha:2'] },
    { ...image('b', 2_200_000, 0), SharedSize: 2_000_000 },
  ],
  Containers: [],
  Volumes: [],
  BuildCache: [],
}

test('images in use hold only their unique bytes out of RECLAIMABLE', () => {
  // used = 2.3 MB - 2 MB shared; docker counts nothing shared as used, so 2.2 MB is reclaimable
  assert.deepEqual(dfRows(shared)[0], { Active: '1', Reclaimable: '2.2MB (88%)', Size: '2.5MB', TotalCount: '2', Type: 'Images' })
})

test('verbose: SHARED SIZE and UNIQUE SIZE, one row per image under its first tag', () => {
  const out = renderDfVerbose(shared, 10_000)
  const rows = out.split('\n\nContainers')[0]!.split('\n').slice(3)
  assert.equal(rows.length, 2, out)
  assert.match(rows[0]!, /^zeta\s+1\s+aaaaaaaaaaaa\s+N\/A\s+2\.3MB\s+2MB\s+300kB\s+1$/)
  assert.match(rows[1]!, /^imgb\s+latest\s+bbbbbbbbbbbb\s+N\/A\s+2\.2MB\s+2MB\s+200kB\s+0$/)
  const json = JSON.parse(renderDfVerbose(shared, 10_000, 'json'))
  assert.deepEqual(json.Images.map((i: Record<string, string>) => [i.Repository, i.Tag, i.Digest, i.SharedSize, i.UniqueSize]), [
    ['zeta', '1', '', '2MB', '300kB'], ['imgb', 'latest', '', '2MB', '200kB'],
  ])
})

test('verbose: a dangling image is <none>; one known only by digest is left out, as docker does', () => {
  const du2: DiskUsage = {
    ...shared,
    Images: [
      { ...image('c', 5, 0), RepoTags: ['<none>:<none>'], RepoDigests: ['<none>@<none>'] },
      { ...image('d', 5, 0), RepoTags: ['<none>:<none>'], RepoDigests: [`pinned@sha256:${'d'.repeat(64)}`] },
    ],
  }
  const rows = renderDfVerbose(du2, 10_000).split('\n\nContainers')[0]!.split('\n').slice(3)
  assert.equal(rows.length, 1)
  assert.match(rows[0]!, /^<none>\s+<none>\s+cccccccccccc\s/)
})
