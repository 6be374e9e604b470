import assert from 'node:assert/strict'
import { Readable } from 'node:stream'
import { test } from 'node:test'
import { JsonStreamError, renderJsonMessages } from './progress.js'

// A pull as dockerd streams it (progress strings shortened: the renderer redraws from
// progressDetail on a terminal and skips those lines otherwise).
const pull = [
  '{"status":"Pulling from library/busybox","id":"latest"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"aaa"}',
  '{"status":"Pulling fs layer","progressDetail":{},"id":"bbb"}',
  '{"status":"Downloading","progressDetail":{"current":100,"total":1000},"progress":"[=====>  ]     100B/1kB","id":"aaa"}',
  '{"status":"Downloading","progressDetail":{"current":500,"total":2000},"progress":"[============>   ]     500B/2kB","id":"bbb"}',
  '{"status":"Downloading","progressDetail":{"current":900,"total":1000},"progress":"[=====================>  ]     900B/1kB","id":"aaa"}',
  '{"status":"Download complete","progressDetail":{},"id":"aaa"}',
  '{"status":"Pull complete","progressDetail":{},"id":"aaa"}',
  '{"status":"Pull complete","progressDetail":{},"id":"bbb"}',
  '{"status":"Digest: sha256:0123"}',
  '{"status":"Status: Downloaded newer image for busybox:latest"}',
]

const asStream = (lines: string[]) => Readable.from(lines.map((l) => `${l}\r\n`))

async function render(lines: string[], o: { isTTY: boolean; width?: number; quiet?: boolean; onAux?: (a: unknown) => void }) {
  let out = ''
  let error: unknown
  try {
    await renderJsonMessages(asStream(lines), { out: { write: (s: string) => (out += s) }, ...o })
  } catch (e) {
    error = e
  }
  return { out, error }
}

test('not a terminal: each status change once, no progress ticks, no escapes', async () => {
  const { out, error } = await render(pull, { isTTY: false })
  assert.equal(error, undefined)
  assert.equal(
    out,
    [
      'latest: Pulling from library/busybox',
      'aaa: Pulling fs layer',
      'bbb: Pulling fs layer',
      'aaa: Download complete',
      'aaa: Pull complete',
      'bbb: Pull complete',
      'Digest: sha256:0123',
      'Status: Downloaded newer image for busybox:latest',
      '',
    ].join('\n'),
  )
})

test('terminal: one line per id redrawn in place with a bar at the terminal width', async () => {
  const { out } = await render(pull, { isTTY: true, width: 120 })
  const bar = (n: number) => `[${'='.repeat(n)}>${' '.repeat(50 - n)}] `
  const redraw = (upBy: number, text: string) => `\x1b[${upBy}A\x1b[2K\r${text}\r\x1b[${upBy}B`
  assert.equal(
    out,
    'latest: Pulling from library/busybox\n' +
      '\n' + redraw(1, 'aaa: Pulling fs layer ') +
      '\n' + redraw(1, 'bbb: Pulling fs layer ') +
      redraw(2, `aaa: Downloading ${bar(5)}    100B/1kB`) +
      redraw(1, `bbb: Downloading ${bar(12)}    500B/2kB`) +
      redraw(2, `aaa: Downloading ${bar(45)}    900B/1kB`) +
      redraw(2, 'aaa: Download complete ') +
      redraw(2, 'aaa: Pull complete ') +
      redraw(1, 'bbb: Pull complete ') +
      'Digest: sha256:0123\n' +
      'Status: Downloaded newer image for busybox:latest\n',
  )
})

test('terminal narrower than 111 columns: sizes without the bar, as docker', async () => {
  const { out } = await render([pull[3]!], { isTTY: true, width: 80 })
  assert.equal(out, '\n\x1b[1A\x1b[2K\raaa: Downloading     100B/1kB\r\x1b[1B')
})

test('a line without progress starts a new block of id lines', async () => {
  const lines = [pull[1]!, '{"status":"Digest: sha256:0123"}', pull[1]!]
  const { out } = await render(lines, { isTTY: true, width: 120 })
  const first = '\n\x1b[1A\x1b[2K\raaa: Pulling fs layer \r\x1b[1B'
  assert.equal(out, `${first}Digest: sha256:0123\n${first}`)
})

test('stream text is printed as is; aux goes to the callback', async () => {
  const aux: unknown[] = []
  const lines = ['{"stream":"Step 1/2 : FROM busybox\\n"}', '{"aux":{"ID":"sha256:42"}}', '{"stream":"Loaded image: a:1\\n"}']
  for (const isTTY of [true, false]) {
    aux.length = 0
    const { out } = await render(lines, { isTTY, onAux: (a) => aux.push(a) })
    assert.equal(out, 'Step 1/2 : FROM busybox\nLoaded image: a:1\n')
    assert.deepEqual(aux, [{ ID: 'sha256:42' }])
  }
})

test('an error line stops the rendering with exit code 1 and the message alone', async () => {
  const lines = [pull[1]!, '{"errorDetail":{"code":2,"message":"manifest unknown"},"error":"manifest unknown"}', pull[2]!]
  const { out, error } = await render(lines, { isTTY: false })
  assert.equal(out, 'aaa: Pulling fs layer\n')
  assert.ok(error instanceof JsonStreamError)
  assert.equal(error.message, 'manifest unknown')
  assert.equal(error.code, 1)
  assert.equal(error.detailCode, 2)
  const bare = await render(['{"error":"boom"}'], { isTTY: true })
  assert.equal((bare.error as Error).message, 'boom')
})

test('quiet prints nothing but still fails on errors', async () => {
  const { out, error } = await render([...pull, '{"errorDetail":{"message":"x"},"error":"x"}'], { isTTY: true, quiet: true })
  assert.equal(out, '')
  assert.equal((error as Error).message, 'x')
})

test('load as the docker CLI sees it on a terminal: a Loading layer bar per layer', async () => {
  const lines = [
    '{"status":"Loading layer","progressDetail":{"current":32768,"total":65536},"progress":"x","id":"5f70bf18a086"}',
    '{"status":"Loading layer","progressDetail":{"current":65536,"total":65536},"progress":"x","id":"5f70bf18a086"}',
    '{"stream":"Loaded image: busybox:latest\\n"}',
  ]
  const { out } = await render(lines, { isTTY: true, width: 200 })
  assert.equal(
    out,
    `\n\x1b[1A\x1b[2K\r5f70bf18a086: Loading layer [${'='.repeat(25)}>${' '.repeat(25)}]  32.77kB/65.54kB\r\x1b[1B` +
      `\x1b[1A\x1b[2K\r5f70bf18a086: Loading layer [${'='.repeat(50)}>]  65.54kB/65.54kB\r\x1b[1B` +
      'Loaded image: busybox:latest\n',
  )
})
