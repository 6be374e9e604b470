// Where mounts land and how cp reaches them, through both CLIs on a running and a stopped
// container: a volume whose destination goes through a symlink of the root filesystem
// (/var/run → /run: runc mounts it at /run/foo, cp finds it by either name), a single-file bind
// (cp onto it rewrites the host file in place, the container sees the new content; a directory
// there is refused), device nodes, fifos and `.wh.` files uploaded by cp (made as Docker makes
// them), `--mount volume-subpath` (inside the volume only, Docker's errors) and
// `bind-nonrecursive` (a mount below the source is not carried along).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BERTH, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
let greeting: string
let greetingIno: number
const CLIS = ['docker', 'berth'] as const
type Cli = (typeof CLIS)[number]

function ok(r: RunResult): string {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r.stdout
}

/** A tar of `names` under `dir`, as a latin1 string (the CLIs' stdin carries it byte for byte). */
const tarOf = (dir: string, ...names: string[]) => spawnSync('tar', ['-cf', '-', '-C', dir, ...names], { encoding: 'latin1' }).stdout
/** `docker cp - CTR:DIR` with a binary tar on stdin. */
const upload = (cli: Cli, tarFile: string, dest: string) =>
  spawnSync('sh', ['-c', `"$0" cp - "$1" < "$2"`, cli === 'docker' ? 'docker' : BERTH, dest, tarFile], { env: d.env, encoding: 'utf8' })
/** What cp writes to stdout for a file, its content. */
const catVia = (cli: Cli, src: string) => spawnSync('tar', ['-xOf', '-'], { input: Buffer.from(ok(d[cli](['cp', src, '-'])), 'latin1'), encoding: 'utf8' }).stdout
/** "type name" per entry of what cp writes to stdout for a directory (tar -tv's first letter). */
const kinds = (cli: Cli, src: string) =>
  spawnSync('tar', ['-tvf', '-'], { input: Buffer.from(ok(d[cli](['cp', src, '-'])), 'latin1'), encoding: 'utf8' }).stdout
    .trim().split('\n').map((l) => `${l[0]} ${l.split(/\s+/).pop()}`)

before(async () => {
  d = await startDaemon('mount-paths')
  greeting = join(d.dir, 'greeting')
  writeFileSync(greeting, 'hello\n')
  greetingIno = statSync(greeting).ino
  // /var/run → /run in the root filesystem, planted before the first start (as an image would have it)
  const t = join(d.dir, 'tree')
  mkdirSync(t)
  symlinkSync('/run', join(t, 'run'))
  const symlinkTar = join(d.dir, 'symlink.tar')
  writeFileSync(symlinkTar, tarOf(t, 'run'), 'latin1')
  for (const [name, cmd] of [['mp-run', 'touch /ready && exec sleep 1000'], ['mp-stop', 'true']] as const) {
    ok(d.berth(['create', '--name', name, '-v', `${greeting}:/etc/greeting`, '-v', `lnk-${name}:/var/run/foo`, 'busybox', 'sh', '-c', `echo x > /var/run/foo/x && ${cmd}`]))
    const r = upload('berth', symlinkTar, `${name}:/var`)
    assert.equal(r.status, 0, r.stderr)
    if (name === 'mp-run') ok(d.berth(['start', name]))
    else ok(d.berth(['start', '-a', name]))
  }
  for (let i = 0; i < 100 && d.berth(['exec', 'mp-run', 'test', '-f', '/ready']).code !== 0; i++) spawnSync('sleep', ['0.05'])
  // a char device, a fifo and a whiteout-named file, as a tar
  spawnSync('python3', ['-c', [
    'import sys, tarfile', 't = tarfile.open(sys.argv[1], "w")',
    'for n, ty in (("null2", tarfile.CHRTYPE), ("fifo", tarfile.FIFOTYPE)):',
    '    i = tarfile.TarInfo(n); i.type = ty; i.devmajor = 1; i.devminor = 3; i.mode = 0o666; t.addfile(i)',
    'i = tarfile.TarInfo(".wh.foo"); t.addfile(i)', 't.close()',
  ].join('\n'), join(d.dir, 'nodes.tar')])
})
after(async () => {
  await d?.cleanup()
})

for (const cli of CLIS) {
  for (const ctr of ['mp-run', 'mp-stop']) {
    describe(`${cli}, ${ctr === 'mp-run' ? 'running' : 'stopped'} container`, () => {
      test('a volume mounted through /var/run → /run is reached by cp under both names', () => {
        assert.equal(catVia(cli, `${ctr}:/var/run/foo/x`), 'x\n')
        assert.equal(catVia(cli, `${ctr}:/run/foo/x`), 'x\n')
        const src = join(d.dir, `in-${cli}-${ctr}`)
        writeFileSync(src, `${cli}\n`)
        ok(d[cli](['cp', src, `${ctr}:/var/run/foo/`]))
        const vol = ok(d.berth(['volume', 'inspect', '-f', '{{.Mountpoint}}', `lnk-${ctr}`])).trim()
        assert.equal(readFileSync(join(vol, `in-${cli}-${ctr}`), 'utf8'), `${cli}\n`)
        assert.ok(kinds(cli, `${ctr}:/run/foo`).includes(`- foo/in-${cli}-${ctr}`))
      })

      test('cp onto a single-file bind rewrites the host file in place; a directory there is refused', () => {
        const src = join(d.dir, `greet-${cli}-${ctr}`)
        writeFileSync(src, `greetings from ${cli} to ${ctr}\n`)
        ok(d[cli](['cp', src, `${ctr}:/etc/greeting`]))
        assert.equal(readFileSync(greeting, 'utf8'), `greetings from ${cli} to ${ctr}\n`)
        assert.equal(statSync(greeting).ino, greetingIno)
        assert.equal(catVia(cli, `${ctr}:/etc/greeting`), `greetings from ${cli} to ${ctr}\n`)
        if (ctr === 'mp-run') assert.equal(ok(d[cli](['exec', ctr, 'cat', '/etc/greeting'])), `greetings from ${cli} to ${ctr}\n`)
        const t = join(d.dir, `dirtree-${cli}-${ctr}`)
        mkdirSync(join(t, 'greeting'), { recursive: true })
        writeFileSync(join(t, 'dir.tar'), tarOf(t, 'greeting'), 'latin1')
        const r = upload(cli, join(t, 'dir.tar'), `${ctr}:/etc`)
        assert.equal(r.status, 1)
        assert.equal(r.stderr.trim(), 'Error response from daemon: cannot overwrite "/etc/greeting" with "greeting/": it is a single-file mount, only a regular file can replace its content')
        assert.equal(readFileSync(greeting, 'utf8'), `greetings from ${cli} to ${ctr}\n`)
      })

      test('device nodes and fifos are made, .wh. files stay plain files (as Docker’s cp)', () => {
        const r = upload(cli, join(d.dir, 'nodes.tar'), `${ctr}:/tmp`)
        assert.equal(r.status, 0, r.stderr)
        assert.deepEqual(kinds(cli, `${ctr}:/tmp`).sort(), ['- tmp/.wh.foo', 'c tmp/null2', 'd tmp/', 'p tmp/fifo'])
        if (ctr === 'mp-run') assert.equal(ok(d[cli](['exec', ctr, 'stat', '-c', '%F %t,%T', '/tmp/null2'])), 'character special file 1,3\n')
      })
    })
  }
}

describe('--mount volume-subpath and bind-nonrecursive', () => {
  for (const cli of CLIS) {
    test(`${cli}: a subpath mounts that directory of the volume; missing or escaping ones fail at start`, () => {
      const vol = `sub-${cli}`
      ok(d[cli](['run', '--rm', '-v', `${vol}:/v`, 'busybox', 'sh', '-c', 'mkdir -p /v/a/b && echo deep > /v/a/b/f && ln -s /etc /v/out && ln -s a/b /v/in']))
      assert.equal(ok(d[cli](['run', '--rm', '--mount', `type=volume,src=${vol},dst=/s,volume-subpath=a/b`, 'busybox', 'ls', '/s'])), 'f\n')
      assert.equal(ok(d[cli](['run', '--rm', '--mount', `type=volume,src=${vol},dst=/s,volume-subpath=in`, 'busybox', 'cat', '/s/f'])), 'deep\n')
      const data = ok(d.berth(['volume', 'inspect', '-f', '{{.Mountpoint}}', vol])).trim()
      // the docker CLI exits 127 for a start error that says "no such file or directory"
      const fails: Array<[string, number, string]> = [
        ['a/nope', 127, `cannot access path ${data}/a/nope: lstat ${data}/a/nope: no such file or directory`],
        ['out', 125, `path concatenation escapes the base directory, base: ${data}, subpath: out`],
      ]
      for (const [sub, code, message] of fails) {
        const name = `subfail-${cli}`
        const r = d[cli](['run', '--name', name, '--mount', `type=volume,src=${vol},dst=/s,volume-subpath=${sub}`, 'busybox', 'true'])
        assert.equal(r.code, code, r.stderr)
        assert.ok(r.stderr.includes(`Error response from daemon: ${message}`), r.stderr)
        ok(d[cli](['rm', name]))
      }
      const bad = d[cli](['run', '--rm', '--mount', `type=volume,src=${vol},dst=/s,volume-subpath=../x`, 'busybox', 'true'])
      assert.equal(bad.code, 125)
      assert.ok(bad.stderr.includes('invalid mount config for type "volume": subpath must be a relative path within the volume'), bad.stderr)
      ok(d[cli](['volume', 'rm', vol]))
    })

    test(`${cli}: bind-nonrecursive leaves out a mount below the source; the default carries it`, () => {
      const src = join(d.dir, `nr-${cli}`)
      mkdirSync(join(src, 'inner'), { recursive: true })
      writeFileSync(join(src, 'inner', 'under'), 'under\n')
      assert.equal(spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', join(src, 'inner')]).status, 0)
      try {
        writeFileSync(join(src, 'inner', 'over'), 'over\n')
        assert.equal(ok(d[cli](['run', '--rm', '--mount', `type=bind,src=${src},dst=/b`, 'busybox', 'ls', '/b/inner'])), 'over\n')
        assert.equal(ok(d[cli](['run', '--rm', '--mount', `type=bind,src=${src},dst=/b,bind-nonrecursive`, 'busybox', 'ls', '/b/inner'])), 'under\n')
      } finally {
        spawnSync('umount', [join(src, 'inner')])
      }
    })
  }
})
