// `run` end to end through both CLIs: output, exit codes, --rm, -d, names, env, user, workdir.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('run')
})
after(async () => {
  await d.cleanup()
})

for (const cli of ['berth', 'docker'] as const) {
  describe(`run via ${cli}`, () => {
    const run = (args: string[], input?: string) => d[cli](args, { input })

    test('prints the output and exits with the container code', () => {
      const r = run(['run', '--rm', 'busybox', 'echo', 'hello'])
      assert.equal(r.stderr, '')
      assert.equal(r.stdout, 'hello\n')
      assert.equal(r.code, 0)
      assert.equal(run(['run', '--rm', 'busybox', 'sh', '-c', 'exit 3']).code, 3)
    })

    test('stdout and stderr stay separate', () => {
      const r = run(['run', '--rm', 'busybox', 'sh', '-c', 'echo out; echo err >&2'])
      assert.equal(r.stdout, 'out\n')
      assert.equal(r.stderr, 'err\n')
    })

    test('127 for a missing command, 126 for a non-executable one, 125 for a missing image', () => {
      const missing = run(['run', '--rm', 'busybox', 'nope-not-here'])
      assert.equal(missing.code, 127, missing.stderr)
      assert.match(missing.stderr, /executable file not found/)
      const notExec = run(['run', '--rm', 'busybox', '/etc/passwd'])
      assert.equal(notExec.code, 126, notExec.stderr)
      const noImage = run(['run', '--rm', '--pull', 'never', 'no-such-image:1'])
      assert.equal(noImage.code, 125, noImage.stderr)
    })

    test('pipes stdin with -i and ends on EOF', () => {
      const r = run(['run', '--rm', '-i', 'busybox', 'cat'], 'piped line\nsecond\n')
      assert.equal(r.stdout, 'piped line\nsecond\n')
      assert.equal(r.code, 0)
    })

    test('env, env-file-free -e, user, workdir, hostname, entrypoint', () => {
      const r = run([
        'run', '--rm', '-e', 'A=1', '-e', 'B=two words', '-u', 'nobody', '-w', '/tmp', '--hostname', 'box',
        '--entrypoint', 'sh', 'busybox', '-c', 'echo "$A|$B|$(id -u)|$(pwd)|$(hostname)"',
      ])
      assert.equal(r.stdout, '1|two words|65534|/tmp|box\n', r.stderr)
    })

    test('the default hostname is the short ID; /etc files are generated and bind-mounted', () => {
      const name = `host-${cli}`
      const r = run(['run', '--name', name, 'busybox', 'sh', '-c', 'hostname; cat /etc/hostname; grep -c localhost /etc/hosts; grep -c " /etc/resolv.conf " /proc/self/mountinfo'])
      const id = run(['inspect', '-f', '{{.Id}}', name]).stdout.trim()
      assert.equal(r.stdout, `${id.slice(0, 12)}\n${id.slice(0, 12)}\n2\n1\n`)
      assert.equal(run(['rm', name]).code, 0)
    })

    test('-d prints the ID; ps, logs, inspect, stop, rm work on it', () => {
      const name = `detached-${cli}`
      const r = run(['run', '-d', '--name', name, 'busybox', 'sh', '-c', 'echo started; trap "exit 0" TERM; while true; do sleep 0.1; done'])
      assert.equal(r.code, 0, r.stderr)
      const id = r.stdout.trim()
      assert.match(id, /^[0-9a-f]{64}$/)
      const ps = run(['ps', '--format', '{{.ID}} {{.Names}} {{.Status}}'])
      assert.match(ps.stdout, new RegExp(`^${id.slice(0, 12)} ${name} Up `, 'm'))
      waitFor(() => run(['logs', name]).stdout === 'started\n')
      assert.equal(run(['inspect', '-f', '{{.State.Running}} {{.Name}}', id.slice(0, 8)]).stdout, `true /${name}\n`)
      assert.equal(run(['stop', name]).code, 0)
      assert.equal(run(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', name]).stdout, 'exited 0\n')
      assert.equal(run(['rm', name]).code, 0)
      const gone = run(['inspect', name])
      assert.equal(gone.code, 1)
      assert.match(gone.stderr, new RegExp(`No such (object|container): ${name}`))
    })

    test('a taken name is refused with 409 and nothing is created', () => {
      const name = `dup-${cli}`
      assert.equal(run(['create', '--name', name, 'busybox']).code, 0)
      const before = run(['ps', '-aq']).stdout
      const r = run(['create', '--name', name, 'busybox'])
      assert.equal(r.code, 1)
      assert.match(r.stderr, new RegExp(`Conflict. The container name "/${name}" is already in use`))
      assert.equal(run(['ps', '-aq']).stdout, before)
      assert.equal(run(['rm', name]).code, 0)
    })

    test('--rm removes the container after it exits', () => {
      const name = `gone-${cli}`
      assert.equal(run(['run', '--rm', '--name', name, 'busybox', 'true']).code, 0)
      waitFor(() => run(['ps', '-a', '--filter', `name=${name}`, '-q']).stdout === '')
    })
  })
}

function waitFor(check: () => boolean, ms = 5000) {
  const end = Date.now() + ms
  while (Date.now() < end) {
    if (check()) return
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50)
  }
  assert.ok(check(), 'condition not met in time')
}

test('a wait for the next exit ends when the container is removed without running (dockerd wakes both)', { timeout: 15_000 }, async () => {
  const created = await d.api('POST', '/v1.47/containers/create?name=wait-removed', { Image: 'busybox', Cmd: ['true'] })
  assert.equal(created.status, 201, created.text)
  const waiting = ['next-exit', 'not-running', 'removed'].map((condition) => d.api('POST', `/v1.47/containers/wait-removed/wait?condition=${condition}`))
  // next-exit on a created container waits; not-running answers at once; removed waits
  const early = await Promise.race([waiting[1]!, new Promise((r) => setTimeout(() => r('pending'), 2000))])
  assert.deepEqual((early as { body: unknown }).body, { StatusCode: 0, Error: null })
  assert.equal(await Promise.race([waiting[0]!.then(() => 'answered'), new Promise((r) => setTimeout(() => r('pending'), 300))]), 'pending')
  const rm = await d.api('DELETE', '/v1.47/containers/wait-removed')
  assert.equal(rm.status, 204, rm.text)
  const [nextExit, , removed] = await Promise.all(waiting)
  assert.deepEqual([nextExit!.status, nextExit!.body.StatusCode], [200, 0])
  assert.deepEqual([removed!.status, removed!.body.StatusCode], [200, 0])
})
