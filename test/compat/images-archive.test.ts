// Image archives through berth and the real docker CLI: load (docker-archive and OCI layout
// fixtures made by other engines), the loaded content checked from inside a container, save to a
// file and to stdout and back into a fresh daemon, and import of a rootfs tarball with --change.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { copyFileSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BERTH, REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js'

const FIXTURES = join(REPO, '../shared/fixtures')
const FX_ID = 'sha256:91b3096d40ffcd6631efe74d743062cc6675e9af17ba34d23e31f8420e0965a4'
const OCI_ID = 'sha256:6d6c83694df50048a195a2fecaa2d0450cac0b1fded9bfdd83f1756d7f7b67a6'

let d: TestDaemon
let fresh: TestDaemon
let rootfsTar: string
before(async () => {
  d = await startDaemon('compat-img-archive')
  fresh = await startDaemon('compat-img-fresh')
  // a root filesystem: static busybox, the two applets the image needs, one file
  const root = join(d.dir, 'rootfs')
  mkdirSync(join(root, 'bin'), { recursive: true })
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'))
  symlinkSync('busybox', join(root, 'bin/sh'))
  symlinkSync('busybox', join(root, 'bin/cat'))
  writeFileSync(join(root, 'hello'), 'hello from import\n')
  rootfsTar = join(d.dir, 'rootfs.tar')
  const t = spawnSync('tar', ['-C', root, '--owner=0', '--group=0', '-cf', rootfsTar, '.'], { encoding: 'utf8' })
  assert.equal(t.status, 0, t.stderr)
})
after(async () => {
  await fresh.cleanup()
  await d.cleanup()
})

/** Checks from inside a container, one line per fact of fixtures/README.md. */
const CONTENT_SCRIPT = [
  "stat -c '%u:%g %a' /data/keep/a /data/keep",
  'cat /data/keep/a',
  'test -e /data/gone || echo no-gone',
  'test -e /etc/removed || echo no-removed',
  'ls -A /opq',
  'readlink /link',
  'echo FX=$FX',
  'pwd',
].join('; ')
const CONTENT = '1:1 644\n0:0 750\none\nno-gone\nno-removed\nnew\n/data/keep/a\nFX=1\n/data\n'

for (const cli of ['berth', 'docker'] as const) {
  describe(`image archives via ${cli}`, () => {
    const n = (name: string) => `${name}-${cli}`
    const run = (daemon: TestDaemon, args: string[]) => daemon[cli](args)
    const ok = (args: string[], daemon = d) => {
      const r = run(daemon, args)
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    const sh = (cmd: string, daemon: TestDaemon) => {
      const exe = cli === 'berth' ? BERTH : 'docker'
      return spawnSync('sh', ['-c', cmd.replaceAll('CLI', exe)], { env: daemon.env, encoding: 'utf8', timeout: 60_000 })
    }

    test('load -i docker-archive: Loaded image line, runs, content as built', () => {
      assert.equal(ok(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')]), 'Loaded image: fx-whiteouts:1\n')
      assert.equal(ok(['images', '-q', '--no-trunc', 'fx-whiteouts:1']), `${FX_ID}\n`)
      assert.equal(ok(['run', '--rm', 'fx-whiteouts:1']), 'one\n')
      assert.equal(ok(['run', '--rm', 'fx-whiteouts:1', 'sh', '-c', CONTENT_SCRIPT]), CONTENT)
      // loading again changes nothing and says the same
      assert.equal(ok(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')]), 'Loaded image: fx-whiteouts:1\n')
    })

    test('load from stdin of an OCI layout: named by its ref.name annotation, same content', () => {
      const r = sh(`CLI load < ${join(FIXTURES, 'whiteouts.oci-layout.tar')}`, d)
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stdout, 'Loaded image: fx-whiteouts:latest\n')
      assert.equal(ok(['image', 'inspect', '-f', '{{.Id}} {{.RootFS.Layers}}', 'fx-whiteouts']),
        `${OCI_ID} ${ok(['image', 'inspect', '-f', '{{.RootFS.Layers}}', 'fx-whiteouts:1']).trim()}\n`)
      assert.equal(ok(['run', '--rm', 'fx-whiteouts']), 'one\n')
      assert.equal(ok(['run', '--rm', 'fx-whiteouts', 'sh', '-c', CONTENT_SCRIPT]), CONTENT)
      ok(['rmi', 'fx-whiteouts:latest'])
    })

    test('save -o then load into a fresh daemon keeps image IDs, tags and content', () => {
      const file = join(d.dir, `save-${cli}.tar`)
      ok(['save', '-o', file, 'busybox', 'fx-whiteouts:1'])
      const ids = ok(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--filter', 'reference=busybox', '--filter', 'reference=fx-whiteouts:1'])
      assert.equal(ok(['load', '-i', file], fresh), 'Loaded image: busybox:latest\nLoaded image: fx-whiteouts:1\n')
      assert.equal(ok(['images', '--no-trunc', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--filter', 'reference=busybox', '--filter', 'reference=fx-whiteouts:1'], fresh), ids)
      assert.equal(ok(['run', '--rm', 'fx-whiteouts:1', 'sh', '-c', CONTENT_SCRIPT], fresh), CONTENT)
      ok(['rmi', 'fx-whiteouts:1'], fresh)
    })

    test('save to stdout piped into load', () => {
      const r = sh(`CLI save fx-whiteouts:1 | DOCKER_HOST=unix://${fresh.socket} CLI load`, d)
      assert.equal(r.status, 0, r.stderr)
      assert.equal(r.stdout, 'Loaded image: fx-whiteouts:1\n')
      assert.equal(ok(['images', '-q', '--no-trunc', 'fx-whiteouts:1'], fresh), `${FX_ID}\n`)
      ok(['rmi', 'fx-whiteouts:1'], fresh)
      // an image given by ID is saved without a name and loads as an ID
      const byId = sh(`CLI save ${FX_ID.slice(7, 19)} | DOCKER_HOST=unix://${fresh.socket} CLI load`, d)
      assert.equal(byId.stdout, `Loaded image ID: ${FX_ID}\n`, byId.stderr)
      ok(['rmi', FX_ID], fresh)
      const missing = run(d, ['save', '-o', join(d.dir, 'x.tar'), n('nope')])
      assert.deepEqual(missing, { code: 1, stdout: '', stderr: `Error response from daemon: No such image: ${n('nope')}:latest\n` })
    })

    test('import a rootfs tarball with --change and -m; run, history, inspect', () => {
      const id = ok(['import', '--change', 'CMD ["cat","/hello"]', '--change', 'ENV A=1', '-m', 'msg', rootfsTar, `${n('imp')}:v1`]).trim()
      assert.match(id, /^sha256:[0-9a-f]{64}$/)
      assert.equal(ok(['run', '--rm', `${n('imp')}:v1`]), 'hello from import\n')
      assert.equal(ok(['run', '--rm', `${n('imp')}:v1`, 'sh', '-c', 'echo $A; ls -A /']), '1\nbin\ndev\netc\nhello\nproc\nsys\n')
      assert.equal(ok(['image', 'inspect', '-f', '{{.Config.Cmd}} {{.Config.Env}} {{.Comment}} {{len .RootFS.Layers}}', `${n('imp')}:v1`]), '[cat /hello] [A=1] msg 1\n')
      const hist = ok(['history', `${n('imp')}:v1`]).split('\n')
      assert.match(hist[0]!, /^IMAGE          CREATED +CREATED BY   SIZE      COMMENT$/)
      assert.match(hist[1]!, new RegExp(`^${id.slice(7, 19)}   (Less than a second|\\d+ seconds?) ago   +\\d+(\\.\\d+)?MB +msg$`))
      assert.equal(hist.length, 3)
      assert.equal(ok(['history', '--format', '{{.CreatedBy}}|{{.Comment}}', `${n('imp')}:v1`]), '|msg\n')
      // from stdin, untagged, no message: Docker's default comment
      const r = sh(`CLI import - < ${rootfsTar}`, d)
      assert.equal(r.status, 0, r.stderr)
      const anon = r.stdout.trim()
      assert.equal(ok(['history', '--format', '{{.Comment}}', anon]), 'Imported from -\n')
      assert.equal(ok(['images', '--filter', 'dangling=true', '-q', '--no-trunc']), `${anon}\n`)
      const bad = run(d, ['import', '--change', 'RUN x', rootfsTar])
      assert.equal(bad.code, 1)
      assert.equal(bad.stderr, 'Error response from daemon: run is not a valid change command\n')
      ok(['rmi', `${n('imp')}:v1`, anon])
    })
  })
}
