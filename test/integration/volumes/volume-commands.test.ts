// `volume create|ls|inspect|rm|prune` through both CLIs against one daemon, the same sequence
// each time with names derived from the CLI: named, labelled, tmpfs-option and anonymous volumes,
// list filters and --format, inspect fields, removal of present and missing volumes, prune
// (anonymous only by default, --all) and Docker's messages for bad input. Responses are checked
// against Docker's published schema; removed volumes leave no directory and no mount behind.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { formatMismatches, validateResponse } from '../../helpers/schema.js'
import { assertNothingMade, engineState } from '../../helpers/half-made.js'

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const

before(async () => {
  d = await startDaemon('vol-cmds')
})

after(async () => {
  await d?.cleanup()
})

function ok(r: RunResult): string {
  assert.equal(r.code, 0, r.stderr)
  return r.stdout
}

const volumesDir = () => join(d.dataRoot, 'volumes')
const mountsUnderRoot = () => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(d.dataRoot))

for (const cli of CLIS) {
  describe(`volume commands through ${cli}`, () => {
    const run = (args: string[], input?: string) => d[cli](args, input === undefined ? undefined : { input })
    const p = `vc-${cli}`
    let anon = ''

    test('create: positional, --name with labels, local driver options, unnamed', () => {
      assert.equal(ok(run(['volume', 'create', `${p}-data`])), `${p}-data\n`)
      assert.equal(ok(run(['volume', 'create', '--name', `${p}-lab`, '--label', 'tier=db', '--label', 'bare'])), `${p}-lab\n`)
      assert.equal(ok(run(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', `${p}-tmp`])), `${p}-tmp\n`)
      anon = ok(run(['volume', 'create'])).trim()
      assert.match(anon, /^[0-9a-f]{64}$/)
      // create is idempotent: the same name again answers the existing volume
      assert.equal(ok(run(['volume', 'create', `${p}-data`])), `${p}-data\n`)
    })

    test('ls: table sorted by name, -q with filters, --format', () => {
      const table = ok(run(['volume', 'ls', '--filter', `name=${p}-`]))
      assert.equal(table, `DRIVER    VOLUME NAME\nlocal     ${p}-data\nlocal     ${p}-lab\nlocal     ${p}-tmp\n`)
      assert.equal(ok(run(['volume', 'ls', '-q', '--filter', 'label=tier=db'])), `${p}-lab\n`)
      assert.equal(ok(run(['volume', 'ls', '-q', '--filter', 'label=bare', '--filter', `name=${p}`])), `${p}-lab\n`)
      assert.equal(ok(run(['volume', 'ls', '-q', '--filter', 'dangling=false'])), '')
      assert.ok(ok(run(['volume', 'ls', '-q', '--filter', 'dangling=true'])).split('\n').includes(anon))
      assert.equal(ok(run(['volume', 'ls', '-q', '--filter', 'label=com.docker.volume.anonymous', '--filter', `name=${anon}`])), `${anon}\n`)
      assert.equal(
        ok(run(['volume', 'ls', '--filter', `name=${p}-lab`, '--format', '{{.Name}} {{.Driver}} {{.Scope}} {{.Label "tier"}} {{.Mountpoint}}'])),
        `${p}-lab local local db ${join(volumesDir(), `${p}-lab`, '_data')}\n`,
      )
      // docker joins the labels of a Go map, in no fixed order
      const labels = ok(run(['volume', 'ls', '--filter', `name=${p}-lab`, '--format', '{{.Labels}}'])).trim()
      assert.deepEqual(labels.split(',').sort(), ['bare=', 'tier=db'])
    })

    test('inspect: Docker fields; the mountpoint exists on disk', async () => {
      const [v] = JSON.parse(ok(run(['volume', 'inspect', `${p}-tmp`])))
      assert.deepEqual(Object.keys(v).sort(), ['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope'])
      assert.equal(v.Mountpoint, join(volumesDir(), `${p}-tmp`, '_data'))
      assert.deepEqual(v.Options, { type: 'tmpfs', device: 'tmpfs', o: 'size=1m' })
      assert.equal(v.Scope, 'local')
      assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/)
      const mp = ok(run(['volume', 'inspect', '-f', '{{.Mountpoint}} {{.Labels}} {{.Driver}}', `${p}-data`])).trim().split(' ')
      assert.deepEqual(mp.slice(1), ['map[]', 'local'])
      assert.equal(statSync(mp[0]!).mode & 0o7777, 0o755)
      assert.ok(statSync(mp[0]!).isDirectory())
      assert.equal(ok(run(['inspect', '-f', '{{.Name}} {{index .Labels "tier"}}', `${p}-lab`])), `${p}-lab db\n`)
      const missing = run(['volume', 'inspect', `${p}-nope`])
      assert.equal(missing.code, 1)
      assert.equal(missing.stderr.trim(), `Error response from daemon: get ${p}-nope: no such volume`)
      for (const version of ['1.41', '1.47']) {
        for (const [path, tpl] of [['/volumes', '/volumes'], [`/volumes/${p}-tmp`, '/volumes/{name}'], [`/volumes/${p}-lab`, '/volumes/{name}']] as const) {
          const r = await d.api('GET', `/v${version}${path}`)
          assert.equal(r.status, 200)
          const bad = validateResponse('GET', tpl, 200, r.body, version)
          assert.deepEqual(bad, [], formatMismatches(bad))
          // nothing the schema does not document (its objects are open)
          const keys = (tpl === '/volumes' ? r.body.Volumes : [r.body]).flatMap((v: object) => Object.keys(v))
          for (const k of keys) assert.ok(['CreatedAt', 'Driver', 'Labels', 'Mountpoint', 'Name', 'Options', 'Scope'].includes(k), k)
          if (tpl === '/volumes') assert.deepEqual(Object.keys(r.body).sort(), ['Volumes', 'Warnings'])
        }
        const c = await d.api('POST', `/v${version}/volumes/create`, { Name: `${p}-api${version.replace('.', '')}`, Labels: { x: 'y' } })
        assert.equal(c.status, 201, c.text)
        const bad = validateResponse('POST', '/volumes/create', 201, c.body, version)
        assert.deepEqual(bad, [], formatMismatches(bad))
        assert.equal((await d.api('DELETE', `/v${version}/volumes/${c.body.Name}`)).status, 204)
      }
    })

    test('bad input: Docker messages and statuses, nothing made', async () => {
      const before = await engineState(d)
      const cases: Array<[string[], string]> = [
        [['volume', 'create', '../x'], `create ../x: "../x" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`],
        [['volume', 'create', 'a/b'], `create a/b: "a/b" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`],
        [['volume', 'create', '-o', 'foo=bar', `${p}-bad`], `create ${p}-bad: invalid option: "foo"`],
        [['volume', 'create', '-o', 'type=tmpfs', `${p}-bad`], `create ${p}-bad: missing required option: "device"`],
        [['volume', 'create', '-d', 'nfsx', `${p}-bad`], `create ${p}-bad: error looking up volume plugin nfsx: plugin "nfsx" not found`],
      ]
      for (const [args, message] of cases) {
        const r = run(args)
        assert.equal(r.code, 1, args.join(' '))
        assert.equal(r.stderr.trim(), `Error response from daemon: ${message}`)
      }
      assert.equal((await d.api('POST', '/volumes/create', { Name: '../x' })).status, 400)
      assert.equal((await d.api('POST', '/volumes/create', { Name: 'ok-name', Driver: 'nfsx' })).status, 404)
      assert.equal((await d.api('GET', '/volumes?filters={"nope":["1"]}')).status, 400)
      await assertNothingMade(d, before, 'bad volume input')
    })

    test('rm: names printed, missing ones fail with exit 1 unless -f, directories gone', () => {
      const dir = join(volumesDir(), `${p}-data`)
      assert.ok(existsSync(dir))
      assert.equal(ok(run(['volume', 'rm', `${p}-data`])), `${p}-data\n`)
      assert.ok(!existsSync(dir))
      const r = run(['volume', 'rm', `${p}-nope`])
      assert.equal(r.code, 1)
      assert.equal(r.stderr.trim(), `Error response from daemon: get ${p}-nope: no such volume`)
      assert.equal(ok(run(['volume', 'rm', '-f', `${p}-nope`])), `${p}-nope\n`)
    })

    test('prune: asks first, takes anonymous volumes by default, named ones with --all', async () => {
      const kept = run(['volume', 'prune'], 'n\n')
      assert.equal(kept.code, 0, kept.stderr)
      assert.equal(kept.stdout, 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] ')
      assert.ok(existsSync(join(volumesDir(), anon)))
      assert.equal(ok(run(['volume', 'prune', '-f'])), `Deleted Volumes:\n${anon}\n\nTotal reclaimed space: 0B\n`)
      assert.ok(!existsSync(join(volumesDir(), anon)))
      assert.equal(ok(run(['volume', 'prune', '-f'])), 'Total reclaimed space: 0B\n')
      assert.equal(
        ok(run(['volume', 'prune', '-a', '--filter', 'label=tier=db'], 'y\n')),
        `WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] Deleted Volumes:\n${p}-lab\n\nTotal reclaimed space: 0B\n`,
      )
      const r = await d.api('POST', '/v1.47/volumes/prune?filters={"all":["true"]}')
      assert.equal(r.status, 200)
      const bad = validateResponse('POST', '/volumes/prune', 200, r.body, '1.47')
      assert.deepEqual(bad, [], formatMismatches(bad))
      assert.deepEqual(r.body.VolumesDeleted, [`${p}-tmp`])
      assert.deepEqual(Object.keys(r.body).sort(), ['SpaceReclaimed', 'VolumesDeleted'])
      assert.deepEqual(readdirSync(volumesDir()), [])
      assert.deepEqual(mountsUnderRoot(), [])
    })
  })
}

describe('a volume in use', () => {
  test('is refused by rm and skipped by prune while any container has it, across a daemon restart', async () => {
    ok(d.docker(['volume', 'create', '-o', 'type=tmpfs', '-o', 'device=tmpfs', '-o', 'o=size=1m', 'vc-used']))
    ok(d.docker(['run', '--name', 'vc-user', '-v', 'vc-used:/data', 'busybox', 'sh', '-c', 'echo hi > /data/f']))
    const id = ok(d.docker(['inspect', '-f', '{{.Id}}', 'vc-user'])).trim()
    const mp = join(volumesDir(), 'vc-used', '_data')
    assert.equal(mountsUnderRoot().filter((l) => l.split(' ')[4] === mp).length, 1, 'the tmpfs volume is mounted for its container')
    const refused = () => {
      for (const cli of CLIS) {
        for (const args of [['volume', 'rm', 'vc-used'], ['volume', 'rm', '-f', 'vc-used']]) {
          const r = d[cli](args)
          assert.equal(r.code, 1, `${cli} ${args.join(' ')}`)
          assert.equal(r.stderr.trim(), `Error response from daemon: remove vc-used: volume is in use - [${id}]`)
        }
      }
      assert.equal(ok(d.berth(['volume', 'ls', '-q', '-f', 'dangling=false'])), 'vc-used\n')
      assert.equal(ok(d.docker(['volume', 'prune', '-a', '-f'])), 'Total reclaimed space: 0B\n')
    }
    refused()
    await d.stop()
    assert.deepEqual(mountsUnderRoot(), [], "a stopped daemon leaves no volume mounted when no container runs")
    await d.restart()
    refused()
    ok(d.berth(['rm', 'vc-user']))
    assert.equal(ok(d.berth(['volume', 'rm', 'vc-used'])), 'vc-used\n')
    assert.ok(!existsSync(join(volumesDir(), 'vc-used')))
    assert.deepEqual(mountsUnderRoot(), [])
  })
})
