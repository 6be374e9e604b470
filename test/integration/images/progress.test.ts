// Progress end to end. Load: berthd sends dockerd's "Loading layer" lines only when the client
// asks with quiet=0, and both CLIs render them as bars on a terminal (run under `script` for a
// pty), and print only the final lines otherwise. Pull (from a registry in the daemon's
// namespace): `pull` and `run` of a missing image draw download bars in place on a terminal.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { BERTH, startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { startRegistry, writeTestArchive, type TestRegistry } from '../../helpers/registry.js'
import { FIXTURES } from './env.js'

const ARCHIVE = join(FIXTURES, 'whiteouts.docker-save.tar')
const TAG = 'fx-whiteouts:1'
let d: TestDaemon
let reg: TestRegistry | undefined
// diff IDs of the fixture's layers (bottom first), their 12-hex progress ids, the final bars
let ids: string[]
const FINAL = ['  2.13MB/2.13MB', '  7.68kB/7.68kB', ' 7.168kB/7.168kB'] // layer.tar sizes 2129920, 7680, 7168

let BROKEN: string

before(async () => {
  d = await startDaemon('images-progress')
  // a valid tar that is no image archive
  BROKEN = join(d.dir, 'broken.tar')
  const made = spawnSync('tar', ['-cf', BROKEN, '-C', FIXTURES, 'README.md'])
  assert.equal(made.status, 0)
  assert.equal(d.berth(['load', '-q', '-i', ARCHIVE]).code, 0)
  const layers = JSON.parse(d.docker(['image', 'inspect', '--format', '{{json .RootFS.Layers}}', TAG]).stdout) as string[]
  ids = layers.map((l) => l.slice('sha256:'.length, 'sha256:'.length + 12))
  removeImage()
})
after(async () => {
  await reg?.stop()
  await d.cleanup()
})

// rmi drops the layers too, so the next load unpacks (and reports) every layer again
function removeImage() {
  const r = d.berth(['rmi', TAG])
  assert.equal(r.code, 0, r.stderr)
}

/** Runs a CLI on a 200-column pty; returns what the terminal received (pty turns \n into \r\n). */
function onTerminal(cli: string, args: string[]) {
  const r = spawnSync('script', ['-qec', `stty cols 200; ${cli} ${args.join(' ')}`, '/dev/null'], { env: d.env, encoding: 'utf8', timeout: 60_000 })
  return { code: r.status, out: r.stdout.replaceAll('\r\n', '\n') }
}

test('not a terminal: both CLIs print the Loaded line only; failures alone on stderr, exit 1', () => {
  for (const cli of ['berth', 'docker'] as const) {
    const missing = d[cli](['load', '-i', join(d.dir, 'missing.tar')])
    assert.deepEqual(missing, { code: 1, stdout: '', stderr: `open ${join(d.dir, 'missing.tar')}: no such file or directory\n` }, cli)
    // a failure inside the stream: its message alone on stderr, exit 1
    const broken = d[cli](['load', '-i', BROKEN])
    assert.deepEqual(broken, { code: 1, stdout: '', stderr: 'invalid image archive: neither manifest.json nor index.json found\n' }, cli)
    // nothing half-made: the unpacked archive went with the failure
    assert.deepEqual(readdirSync(join(d.dataRoot, 'tmp')), [], cli)
    const r = d[cli](['load', '-i', ARCHIVE])
    assert.deepEqual([r.code, r.stdout, r.stderr], [0, `Loaded image: ${TAG}\n`, ''], cli)
    removeImage()
  }
})

test('on a terminal: a Loading layer bar per layer, drawn in place, from both CLIs', () => {
  // how many intermediate ticks pass the daemon's 100 ms throttle depends on the machine, so
  // the output is checked for its shape; exact bytes for a recorded stream are unit-tested
  const redraw = (id: string, text: string) => `\x1b\\[1A\x1b\\[2K\r${id}: Loading layer ${text}\r\x1b\\[1B`
  const tick = '\\[=*> *\\] +[0-9.]+k?M?B/[0-9.]+k?M?B'
  const layerLines = ids.map((id, i) => `\n(?:${redraw(id, tick)})*${redraw(id, `\\[${'='.repeat(50)}>\\] ${FINAL[i]!.replaceAll('.', '\\.')}`)}`)
  const shape = new RegExp(`^${layerLines.join('')}Loaded image: ${TAG}\n$`)
  for (const cli of [BERTH, 'docker']) {
    const r = onTerminal(cli, ['load', '-i', ARCHIVE])
    assert.equal(r.code, 0, r.out)
    assert.match(r.out, shape, cli)
    removeImage()
  }
})

test('on a terminal with -q: the Loaded line only', () => {
  for (const cli of [BERTH, 'docker']) {
    const r = onTerminal(cli, ['load', '-q', '-i', ARCHIVE])
    assert.deepEqual([r.code, r.out], [0, `Loaded image: ${TAG}\n`], cli)
    removeImage()
  }
})

test('API: quiet=0 streams dockerd-shaped progress per layer; no quiet parameter means quiet', () => {
  const post = (query: string) => {
    const r = spawnSync('curl', ['-sS', '--unix-socket', d.socket, '-X', 'POST', '-H', 'Content-Type: application/x-tar', '--data-binary', `@${ARCHIVE}`, `http://berth/images/load${query}`], { encoding: 'utf8' })
    assert.equal(r.status, 0, r.stderr)
    removeImage()
    return r.stdout.split('\r\n').filter(Boolean).map((l) => JSON.parse(l) as { status?: string; id?: string; progressDetail?: { current: number; total: number }; progress?: string; stream?: string })
  }
  const loud = post('?quiet=0')
  assert.deepEqual(loud.at(-1), { stream: `Loaded image: ${TAG}\n` })
  const progress = loud.slice(0, -1)
  assert.deepEqual([...new Set(progress.map((m) => m.id))], ids)
  for (const m of progress) {
    assert.deepEqual(Object.keys(m), ['status', 'progressDetail', 'progress', 'id'])
    assert.equal(m.status, 'Loading layer')
    assert.ok(m.progressDetail!.current > 0 && m.progressDetail!.current <= m.progressDetail!.total)
  }
  for (const [i, id] of ids.entries()) {
    const last = progress.filter((m) => m.id === id).at(-1)!
    assert.equal(last.progressDetail!.current, last.progressDetail!.total)
    assert.equal(last.progress, `[${'='.repeat(50)}>] ${FINAL[i]}`)
  }
  assert.deepEqual(post(''), [{ stream: `Loaded image: ${TAG}\n` }])
  assert.deepEqual(post('?quiet=1'), [{ stream: `Loaded image: ${TAG}\n` }])
})

test('pull and run of a missing image on a terminal: download bars redrawn in place, both CLIs', async () => {
  reg = await startRegistry({ netns: d.netns })
  const archive = join(d.dir, 'app.tar')
  await writeTestArchive(archive, 'x/app:1', [[{ path: 'bin/busybox', content: readFileSync('/bin/busybox'), mode: 0o755 }], [{ path: 'etc/a.txt', content: 'a\n' }]])
  reg.push(`docker-archive:${archive}`, 'x/app:1')
  const ref = `${reg.host}/x/app:1`
  // a bar line: cursor up, erase, "<12 hex>: Downloading [==>  ]  size/size", back down
  const bar = /\x1b\[\d+A\x1b\[2K\r[0-9a-f]{12}: Downloading \[=*> *\] +[0-9.]+k?M?B\/[0-9.]+k?M?B\r\x1b\[\d+B/
  const done = (status: string) => `Digest: sha256:[0-9a-f]{64}\nStatus: ${status} for ${ref.replaceAll('.', '\\.')}\n`
  for (const cli of [BERTH, 'docker']) {
    const pulled = onTerminal(cli, ['pull', ref])
    assert.equal(pulled.code, 0, pulled.out)
    assert.match(pulled.out, /^1: Pulling from x\/app\n/, cli)
    assert.match(pulled.out, bar, cli)
    assert.match(pulled.out, new RegExp(`${done('Downloaded newer image')}${ref.replaceAll('.', '\\.')}\n$`), cli)
    assert.equal(d.berth(['rmi', ref]).code, 0)

    // run pulls to stderr (the same terminal here) after Docker's notice, then runs
    const ran = onTerminal(cli, ['run', '--rm', ref, 'busybox', 'cat', '/etc/a.txt'])
    assert.equal(ran.code, 0, ran.out)
    assert.match(ran.out, new RegExp(`^Unable to find image '${ref.replaceAll('.', '\\.')}' locally\n1: Pulling from x/app\n`), cli)
    assert.match(ran.out, bar, cli)
    assert.match(ran.out, new RegExp(`${done('Downloaded newer image')}a\n$`), cli)
    assert.equal(d.berth(['rmi', ref]).code, 0)
  }
})
