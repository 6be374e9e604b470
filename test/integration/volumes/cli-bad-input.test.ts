// Bad mount input through both CLIs (the API-level cases are in mounts.test.ts, volume names and
// volumes in use in volume-commands.test.ts): relative and invalid host paths, unknown mount
// options, destination `/`, duplicate mount points. `run` fails with Docker's one-line message
// and exit 125, `create` with exit 1 (docker's create passes the daemon's error through);
// afterwards there is no container record, no volume and no mount that was not there before.
// (--volumes-from of a missing container is a 404, which the docker CLI takes for a missing
// image and answers with a pull: the API-level test in mounts.test.ts covers it.)
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'
import { assertNothingMade, engineState } from '../../helpers/half-made.js'

let d: TestDaemon
const CLIS = ['docker', 'berth'] as const

before(async () => {
  d = await startDaemon('vol-cli-bad')
})
after(async () => {
  await d?.cleanup()
})

const INVALID_NAME = (n: string) =>
  `create ${n}: "${n}" includes invalid characters for a local volume name, only "[a-zA-Z0-9][a-zA-Z0-9_.-]" are allowed. If you intended to pass a host directory, use absolute path`

/** Flags for `run`, and the daemon's message. */
const DAEMON_REFUSALS: Array<[string[], string]> = [
  [['-v', 'rel/dir:/x'], INVALID_NAME('rel/dir')],
  [['-v', 'a/b:/x'], INVALID_NAME('a/b')],
  [['-v', '/data', '-v', 'bcv-mode:/x:bogus'], 'invalid mode: bogus'],
  [['-v', 'bcv-mode:/x:ro,rw'], 'invalid mode: ro,rw'],
  [['-v', '/h:/'], `invalid volume specification: '/h:/': invalid mount config for type "bind": invalid specification: destination can't be '/'`],
  [['-v', 'bcv-rel:rel'], `invalid volume specification: 'bcv-rel:rel': invalid mount config for type "volume": invalid mount path: 'rel' mount path must be absolute`],
  [['--mount', 'type=volume,src=bcv-root,dst=/'], `invalid mount config for type "volume": invalid specification: destination can't be '/'`],
  [['-v', 'bcv-dup:/data', '-v', '/bcv-host:/data'], 'Duplicate mount point: /data'],
  [['--mount', 'type=volume,src=bcv-dup,dst=/d', '--tmpfs', '/d'], 'Duplicate mount point: /d'],
  [['--tmpfs', '/t:bogus'], 'invalid tmpfs option for /t: bogus'],
  [['--mount', 'type=volume,dst=/v,readonly'], 'invalid mount config for type "volume": must not set ReadOnly mode when using anonymous volumes'],
  [['--mount', 'type=bind,src=rel,dst=/x'], `invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
  [['-v', '/bcv-h:rel'], `invalid volume specification: '/bcv-h:rel': invalid mount config for type "bind": invalid mount path: 'rel' mount path must be absolute`],
  [['--mount', 'type=bind,dst=/x'], 'invalid mount config for type "bind": field Source must not be empty'],
  [['--mount', 'type=weird,dst=/x'], 'invalid mount config for type "weird": mount type unknown'],
]

for (const cli of CLIS) {
  test(`${cli} run and create: the daemon’s refusals are one line, exit 125 and 1, nothing made`, async () => {
    const before = await engineState(d)
    for (const verb of ['run', 'create']) {
      for (const [flags, message] of DAEMON_REFUSALS) {
        const args = [verb, '--rm', ...flags, 'busybox', 'true'].filter((a) => verb === 'run' || a !== '--rm')
        const r = d[cli](args)
        assert.equal(r.code, verb === 'run' ? 125 : 1, `${cli} ${args.join(' ')}: ${r.stderr}`)
        assert.equal(r.stderr.split('\n')[0], `${verb === 'run' ? `${cli}: ` : ''}Error response from daemon: ${message}`, args.join(' '))
        assert.equal(r.stdout, '')
      }
    }
    await assertNothingMade(d, before, `${cli} run with bad mounts`)
  })

  test(`${cli} run: --mount values the CLI itself refuses`, async () => {
    const before = await engineState(d)
    const cases: Array<[string, string]> = [
      ['type=volume,src=bcv-opt,dst=/x,bogus=1', `unexpected key 'bogus' in 'bogus=1'`],
      ['type=volume,src=bcv-opt,dst=/x,volume-nocopy=maybe', 'invalid value for volume-nocopy: maybe'],
      ['src=bcv-opt,dst=/x, readonly', `invalid field ' readonly' must be a key=value pair`],
      ['type=tmpfs,dst=/x,volume-nocopy', `cannot mix 'volume-*' options with mount type 'tmpfs'`],
      ['type=volume,src=bcv-opt', 'target is required'],
    ]
    for (const [value, message] of cases) {
      const r = d[cli](['run', '--rm', '--mount', value, 'busybox', 'true'])
      assert.equal(r.code, 125, `${value}: ${r.stderr}`)
      assert.equal(r.stderr.split('\n')[0], `invalid argument "${value}" for "--mount" flag: ${message}`, value)
    }
    await assertNothingMade(d, before, `${cli} run with bad --mount values`)
  })
}
