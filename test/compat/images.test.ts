// Image commands through berth and the real docker CLI, against the same daemon: images (table,
// -q, --format, --filter, --no-trunc, -a), tag, rmi and its conflicts, history, image inspect.
// Archives (load, save, import) are in images-archive.test.ts, prune in images-prune.test.ts.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { REPO, startDaemon, type TestDaemon } from '../helpers/daemon.js'

const FIXTURES = join(REPO, '../shared/fixtures')

let d: TestDaemon
let bbId: string
before(async () => {
  d = await startDaemon('compat-images')
  const r = d.berth(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')])
  assert.equal(r.code, 0, r.stderr)
  bbId = d.berth(['image', 'inspect', '-f', '{{.Id}}', 'busybox']).stdout.trim()
})
after(async () => {
  await d.cleanup()
})

const FX_ID = 'sha256:91b3096d40ffcd6631efe74d743062cc6675e9af17ba34d23e31f8420e0965a4'
const short = (id: string) => id.slice(7, 19)

for (const cli of ['berth', 'docker'] as const) {
  describe(`image commands via ${cli}`, () => {
    const n = (name: string) => `${name}-${cli}`
    const run = (args: string[]) => d[cli](args)
    const ok = (args: string[]) => {
      const r = run(args)
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    const fails = (args: string[], stderr: string, code = 1) => {
      const r = run(args)
      assert.deepEqual({ code: r.code, stdout: r.stdout, stderr: r.stderr }, { code, stdout: '', stderr }, `${cli} ${args.join(' ')}`)
    }

    test('images: table, -q, --format, --no-trunc, -a, reference and dangling filters', () => {
      const table = ok(['images', '--filter', 'reference=busybox']).split('\n')
      assert.deepEqual(table.length, 3)
      assert.match(table[0]!, /^REPOSITORY   TAG       IMAGE ID       CREATED       SIZE$/)
      assert.match(table[1]!, new RegExp(`^busybox      latest    ${short(bbId)}   \\d+ (years|months) ago   \\d+(\\.\\d+)?MB$`))
      assert.equal(table[2], '')
      const q = ok(['images', '-q'])
      assert.match(q, new RegExp(`^${short(bbId)}$`, 'm'))
      assert.match(q, new RegExp(`^${short(FX_ID)}$`, 'm'))
      assert.equal(ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--filter', 'reference=fx-whiteouts']), `fx-whiteouts:1 ${short(FX_ID)}\n`)
      assert.equal(ok(['images', '--no-trunc', '-q', 'fx-whiteouts:1']), `${FX_ID}\n`)
      const noTrunc = ok(['images', '--no-trunc', 'fx-whiteouts']).split('\n')
      assert.match(noTrunc[0]!, /^REPOSITORY     TAG       IMAGE ID {66}CREATED +SIZE$/)
      assert.match(noTrunc[1]!, new RegExp(`^fx-whiteouts   1         ${FX_ID}   .+ ago +\\d+(\\.\\d+)?MB$`))
      assert.equal(ok(['images', '--filter', 'reference=nothing*']), 'REPOSITORY   TAG       IMAGE ID   CREATED   SIZE\n')
      assert.equal(ok(['images', '--filter', 'dangling=true', '-q']), '')
      assert.equal(ok(['images', '-a', '--filter', 'reference=busybox', '--format', '{{.Repository}}']), 'busybox\n')
      // an untagged image is dangling, shown as <none> once its tag is gone
      ok(['tag', 'fx-whiteouts:1', n('dang')])
      ok(['create', '--name', n('holder'), n('dang')])
      ok(['rmi', '-f', n('dang')])
      assert.equal(ok(['images', '--filter', 'dangling=true', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}']), '')
      ok(['rm', n('holder')])
    })

    test('tag and rmi of a tag print Untagged, the image stays', () => {
      ok(['tag', 'busybox', `${n('bb')}:t1`])
      ok(['tag', 'busybox:latest', `registry.example:5000/team/${n('bb')}`])
      assert.equal(ok(['images', '--format', '{{.Repository}}:{{.Tag}} {{.ID}}', '--filter', `reference=*/*/${n('bb')}`]), `registry.example:5000/team/${n('bb')}:latest ${short(bbId)}\n`)
      assert.equal(ok(['image', 'inspect', '-f', '{{.Id}}', `${n('bb')}:t1`]), `${bbId}\n`)
      assert.equal(ok(['rmi', `${n('bb')}:t1`]), `Untagged: ${n('bb')}:t1\n`)
      assert.equal(ok(['rmi', `registry.example:5000/team/${n('bb')}`]), `Untagged: registry.example:5000/team/${n('bb')}:latest\n`)
      assert.equal(ok(['images', '-q', '--no-trunc', 'busybox']), `${bbId}\n`)
      fails(['tag', 'nope', 'z'], 'Error response from daemon: No such image: nope:latest\n')
      fails(['tag', 'busybox', 'Bad'], 'Error parsing reference: "Bad" is not a valid repository/tag: invalid reference format: repository name (library/Bad) must be lowercase\n')
    })

    test('rmi: unknown image, conflicts with containers, -f', () => {
      fails(['rmi', n('nope')], `Error response from daemon: No such image: ${n('nope')}:latest\n`)
      fails(['rmi', 'sha256:0123'], 'Error response from daemon: No such image: sha256:0123\n')
      ok(['tag', 'fx-whiteouts:1', `${n('fx')}:a`])
      ok(['tag', 'fx-whiteouts:1', `${n('fx')}:b`])
      // two repositories: by ID it needs force
      fails(['rmi', short(FX_ID)], `Error response from daemon: conflict: unable to delete ${short(FX_ID)} (must be forced) - image is referenced in multiple repositories\n`)
      ok(['run', '-d', '--name', n('user'), `${n('fx')}:a`, 'sleep', '300'])
      const cid = ok(['inspect', '-f', '{{.Id}}', n('user')]).trim()
      // other tags remain, so the tag just goes
      assert.equal(ok(['rmi', `${n('fx')}:b`]), `Untagged: ${n('fx')}:b\n`)
      fails(['rmi', '-f', short(FX_ID)], `Error response from daemon: conflict: unable to delete ${short(FX_ID)} (cannot be forced) - image is being used by running container ${cid.slice(0, 12)}\n`)
      ok(['stop', '-t', '0', n('user')])
      // the image's last reference in its repository, used by a container
      ok(['tag', 'busybox', n('solo')])
      ok(['create', '--name', n('solo-user'), n('solo')])
      const sid = ok(['inspect', '-f', '{{.Id}}', n('solo-user')]).trim()
      ok(['rmi', 'busybox'])
      fails(['rmi', n('solo')], `Error response from daemon: conflict: unable to remove repository reference "${n('solo')}" (must force) - container ${sid.slice(0, 12)} is using its referenced image ${short(bbId)}\n`)
      fails(['rmi', short(bbId)], `Error response from daemon: conflict: unable to delete ${short(bbId)} (must be forced) - image is being used by stopped container ${sid.slice(0, 12)}\n`)
      ok(['tag', n('solo'), 'busybox'])
      assert.equal(ok(['rmi', '-f', n('solo')]), `Untagged: ${n('solo')}:latest\n`)
      // several refs in one command: each reported, exit 1 if any failed
      const r = run(['rmi', `${n('fx')}:a`, n('gone')])
      assert.equal(r.code, 1)
      assert.equal(r.stdout, `Untagged: ${n('fx')}:a\n`)
      assert.equal(r.stderr, `Error response from daemon: No such image: ${n('gone')}:latest\n`)
      ok(['rm', n('user'), n('solo-user')])
      assert.equal(ok(['images', '-q', '--no-trunc', 'fx-whiteouts:1']), `${FX_ID}\n`)
    })

    test('rmi -f of an image a stopped container uses deletes the image but keeps its layers', () => {
      ok(['tag', 'fx-whiteouts:1', `${n('keep')}:1`])
      ok(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')])
      const before = ok(['images', '-q', '--no-trunc', 'fx-whiteouts:1'])
      assert.equal(before, `${FX_ID}\n`)
      ok(['create', '--name', n('kept'), 'fx-whiteouts:1'])
      ok(['rmi', `${n('keep')}:1`])
      assert.equal(ok(['rmi', '-f', FX_ID]), `Untagged: fx-whiteouts:1\nDeleted: ${FX_ID}\n`)
      assert.equal(ok(['start', '-a', n('kept')]), 'one\n')
      ok(['rm', n('kept')])
      assert.equal(ok(['load', '-i', join(FIXTURES, 'whiteouts.docker-save.tar')]), 'Loaded image: fx-whiteouts:1\n')
    })

    test('history: table, -q, --no-trunc, --format', () => {
      const table = ok(['history', 'fx-whiteouts:1']).split('\n')
      // the CREATED column is as wide as its widest "N units ago", which changes with the date
      assert.match(table[0]!, /^IMAGE {10}CREATED +CREATED BY {38}SIZE {6}COMMENT$/)
      assert.equal(table[0]!.indexOf('CREATED BY'), table[1]!.indexOf('/bin/sh'))
      assert.equal(table.length, 11)
      assert.match(table[1]!, new RegExp(`^${short(FX_ID)}   \\d+ \\w+ ago +/bin/sh -c #\\(nop\\)  CMD \\["sh" "-c" "cat /data…   0B +$`))
      assert.match(table[7]!, /^<missing>      .+ ago +\/bin\/sh -c rm -rf \/data\/gone \/etc\/removed &&…   8B +$/)
      assert.equal(ok(['history', '-q', 'fx-whiteouts:1']), `${short(FX_ID)}\n${'<missing>\n'.repeat(8)}`)
      assert.equal(ok(['history', '--no-trunc', '-q', 'fx-whiteouts:1']).split('\n')[0], FX_ID)
      assert.equal(
        ok(['history', '--format', '{{.ID}}|{{.CreatedBy}}|{{.Size}}|{{.Comment}}', 'fx-whiteouts:1']).split('\n').slice(4, 8).join('\n'),
        [
          '<missing>|/bin/sh -c #(nop)  LABEL org.example.fixture…|0B|',
          '<missing>|/bin/sh -c #(nop)  ENV FX=1|0B|',
          '<missing>|/bin/sh -c rm -rf /data/gone /etc/removed &&…|8B|',
          '<missing>|/bin/sh -c mkdir -p /data/keep /data/gone /o…|17B|',
        ].join('\n'),
      )
      assert.equal(ok(['history', '--no-trunc', '--format', '{{.CreatedBy}}', 'fx-whiteouts:1']).split('\n')[5], '/bin/sh -c #(nop)  ENV FX=1')
      assert.match(ok(['history', '-H=false', '--format', '{{.CreatedAt}} {{.Size}}', 'fx-whiteouts:1']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ 0$/m)
      fails(['history', n('nope')], `Error response from daemon: No such image: ${n('nope')}:latest\n`)
    })

    test('image inspect and inspect --type image', () => {
      const all = JSON.parse(ok(['image', 'inspect', 'fx-whiteouts:1', 'busybox']))
      assert.equal(all.length, 2)
      assert.equal(all[0].Id, FX_ID)
      assert.deepEqual(all[0].RepoTags, ['fx-whiteouts:1'])
      assert.deepEqual(all[0].Config.Env, ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'FX=1'])
      assert.equal(all[0].Config.WorkingDir, '/data')
      assert.equal(all[0].RootFS.Layers.length, 3)
      assert.equal(all[1].Id, bbId)
      assert.equal(ok(['inspect', '--type', 'image', '-f', '{{.Id}} {{.Config.Cmd}}', 'fx-whiteouts:1']), `${FX_ID} [sh -c cat /data/keep/a]\n`)
      assert.equal(ok(['inspect', '-f', '{{.Os}}/{{.Architecture}}', short(FX_ID)]), 'linux/amd64\n')
      assert.equal(ok(['image', 'inspect', '-f', '{{json .Config.ExposedPorts}}', 'fx-whiteouts:1']), '{"8080/tcp":{}}\n')
      const missing = run(['image', 'inspect', n('nope')])
      assert.deepEqual(missing, { code: 1, stdout: '[]\n', stderr: `Error response from daemon: No such image: ${n('nope')}:latest\n` })
      const typed = run(['inspect', '--type', 'image', n('nope')])
      assert.deepEqual(typed, { code: 1, stdout: '[]\n', stderr: `Error response from daemon: No such image: ${n('nope')}:latest\n` })
    })
  })
}

test('berth and docker print the same image listings', () => {
  for (const args of [
    ['images'], ['images', '-a', '--no-trunc'], ['images', '-q'], ['history', 'fx-whiteouts:1'], ['history', '--no-trunc', 'busybox'],
    ['image', 'inspect', 'fx-whiteouts:1'],
  ]) {
    const b = d.berth(args)
    const k = d.docker(args)
    assert.deepEqual(b, k, args.join(' '))
  }
})

// docker marshals a list row with encoding/json's HTML escaping (`<none>` → `\u003cnone\u003e`);
// berth's json function never escapes, which is right for inspect but not for rows.
test('images --format {{json .}} matches docker byte for byte', () => {
  const args = ['images', '--format', '{{json .}}']
  assert.deepEqual(d.berth(args), d.docker(args))
})
