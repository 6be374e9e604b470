import assert from 'node:assert/strict'
import { test } from 'node:test'
import type { ImageSummary } from '../../client/types.js'
import { renderList } from './list-format.js'
import { historyRow, historySpec, imageRows, imagesFormat, imagesSpec, rfc3339Local } from './image-rows.js'

// local time is UTC here unless a test says otherwise (Go formats CreatedAt in local time)
process.env.TZ = 'UTC'

const ID = 'sha256:91b3096d40ffcd6631efe74d743062cc6675e9af17ba34d23e31f8420e0965a4'
const D1 = 'sha256:1111111111111111111111111111111111111111111111111111111111111111'
const D2 = 'sha256:2222222222222222222222222222222222222222222222222222222222222222'
const now = Date.UTC(2026, 0, 1)
const image = (tags: string[] | null, digests: string[] | null): ImageSummary => ({
  Id: ID, ParentId: '', RepoTags: tags, RepoDigests: digests, Created: now / 1000 - 3600, Size: 2_140_000,
  SharedSize: -1, Labels: null, Containers: -1,
})
const cells = (img: ImageSummary, o: { digests: boolean; digestsInFormat?: boolean; trunc?: boolean }) =>
  imageRows(img, { trunc: o.trunc ?? true, now, ...o }).map((r) => [r.Repository, r.Tag, r.Digest, r.ID])

test('rows as docker: a tag per row, digests only when asked for', () => {
  const img = image(['busybox:latest', 'busybox:1', 'localhost:5000/x:v'], ['busybox@' + D1, 'busybox@' + D2, 'other@' + D1])
  assert.deepEqual(cells(img, { digests: false }), [
    ['busybox', 'latest', '<none>', ID.slice(7, 19)],
    ['busybox', '1', '<none>', ID.slice(7, 19)],
    ['localhost:5000/x', 'v', '<none>', ID.slice(7, 19)],
    // a repository known only by digest: one row, empty digest
    ['other', '<none>', '', ID.slice(7, 19)],
  ])
  assert.deepEqual(cells(img, { digests: true, trunc: false }), [
    ['busybox', 'latest', D1, ID], ['busybox', 'latest', D2, ID],
    ['busybox', '1', D1, ID], ['busybox', '1', D2, ID],
    ['localhost:5000/x', 'v', '<none>', ID],
    ['other', '<none>', D1, ID],
  ])
  // {{.Digest}} in --format shows the digests of tagged repositories, not digest-only rows
  assert.deepEqual(cells(image(['a:1'], ['a@' + D1, 'b@' + D2]), { digests: false, digestsInFormat: true }), [
    ['a', '1', D1, ID.slice(7, 19)], ['b', '<none>', '', ID.slice(7, 19)],
  ])
})

test('an image without references is one <none> row', () => {
  for (const img of [image(null, null), image(['<none>:<none>'], ['<none>@<none>'])]) {
    assert.deepEqual(cells(img, { digests: true }), [['<none>', '<none>', '<none>', ID.slice(7, 19)]])
  }
})

test('--digests table: DIGEST column; a custom table gets one appended', () => {
  const rows = imageRows(image(['busybox:latest'], ['busybox@' + D1]), { trunc: true, digests: true, now })
  assert.equal(
    renderList(imagesSpec(true), rows, undefined),
    'REPOSITORY   TAG       DIGEST                                                                    IMAGE ID       CREATED             SIZE\n' +
      `busybox      latest    ${D1}   ${ID.slice(7, 19)}   About an hour ago   2.14MB\n`,
  )
  assert.equal(imagesFormat('table {{.ID}}', true), 'table {{.ID}}\t{{.Digest}}')
  assert.equal(imagesFormat('table {{.Digest}} {{.ID}}', true), 'table {{.Digest}} {{.ID}}')
  assert.equal(imagesFormat('{{.ID}}', true), '{{.ID}}')
  assert.equal(imagesFormat('table {{.ID}}', false), 'table {{.ID}}')
  assert.equal(imagesFormat(undefined, true), undefined)
  assert.equal(renderList(imagesSpec(true), rows, 'raw'), `repository: busybox\ntag: latest\ndigest: ${D1}\nimage_id: ${ID.slice(7, 19)}\ncreated_at: ${rows[0]!.CreatedAt}\nvirtual_size: 2.14MB\n\n`)
})

test('history rows: CREATED BY cut at 45 with …, -H=false raw values, old dates blank', () => {
  const h = { Id: ID, Created: Date.UTC(2025, 11, 31, 22) / 1000, CreatedBy: '/bin/sh -c mkdir -p /data/keep /data/gone /opq\tand more', Tags: null, Size: 17, Comment: 'c' }
  assert.deepEqual(historyRow(h, { trunc: true, human: true, now }), {
    Comment: 'c', CreatedAt: '2025-12-31T22:00:00Z',
    CreatedBy: '/bin/sh -c mkdir -p /data/keep /data/gone /o…', CreatedSince: '2 hours ago', ID: ID.slice(7, 19), Size: '17B',
  })
  const raw = historyRow(h, { trunc: false, human: false, now })
  assert.equal(raw.CreatedBy, '/bin/sh -c mkdir -p /data/keep /data/gone /opq and more')
  assert.equal(raw.CreatedSince, raw.CreatedAt)
  assert.equal(raw.Size, '17')
  assert.equal(raw.ID, ID)
  assert.equal(historyRow({ ...h, Id: '<missing>', Created: 0 }, { trunc: true, human: true, now }).CreatedSince, '')
  assert.equal(historyRow({ ...h, Id: '<missing>' }, { trunc: true, human: true, now }).ID, '<missing>')
  assert.match(renderList(historySpec(false), [raw], undefined), /^IMAGE +CREATED AT +CREATED BY +SIZE +COMMENT\n/)
  assert.match(renderList(historySpec(true), [raw], undefined), /^IMAGE +CREATED +CREATED BY +SIZE +COMMENT\n/)
})

test('rfc3339Local: Go time.RFC3339 in the local zone', () => {
  const t = new Date(Date.UTC(2025, 6, 1, 12, 30, 5))
  assert.equal(rfc3339Local(t), '2025-07-01T12:30:05Z')
  process.env.TZ = 'Asia/Kolkata'
  try {
    assert.equal(rfc3339Local(t), '2025-07-01T18:00:05+05:30')
  } finally {
    process.env.TZ = 'UTC'
  }
})
