// Live-restore: SIGKILL the daemon with five containers running, one of them exits with 3 while
// the daemon is down; after a restart all five are reported correctly and stay controllable.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('live')
})
after(async () => {
  await d.cleanup()
})

test('containers survive a daemon crash and stay controllable', async () => {
  const ok = (args: string[], cli: 'berth' | 'docker' = 'berth') => {
    const r = d[cli](args)
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
    return r.stdout.trim()
  }
  for (let i = 1; i <= 4; i++) ok(['run', '-d', '--name', `lr${i}`, 'busybox', 'sh', '-c', `echo hello-${i}; exec sleep 300`])
  ok(['run', '-d', '--name', 'lr5', 'busybox', 'sh', '-c', 'while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 3'])
  ok(['run', '-d', '-i', '--name', 'lrcat', 'busybox', 'cat'])
  const pids = Object.fromEntries([1, 2, 3, 4, 5].map((i) => [i, ok(['inspect', '-f', '{{.State.Pid}}', `lr${i}`])]))

  await d.kill()
  // while the daemon is down: the containers run on under conmon; make lr5 exit
  for (const pid of Object.values(pids)) process.kill(Number(pid), 0)
  const { spawnSync } = await import('node:child_process')
  spawnSync('nsenter', ['-t', pids[5]!, '-m', 'touch', '/tmp/go'])
  await new Promise((r) => setTimeout(r, 1000))
  await d.restart()

  for (let i = 1; i <= 4; i++) {
    assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.Pid}}', `lr${i}`]), `running ${pids[i]}`)
    assert.equal(ok(['logs', `lr${i}`]), `hello-${i}`)
  }
  assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'lr5']), 'exited 3')

  // still controllable: exec, attach, stop — through both CLIs
  assert.equal(ok(['exec', 'lr1', 'echo', 'exec-after-restart']), 'exec-after-restart')
  assert.equal(ok(['exec', 'lr2', 'echo', 'via-docker'], 'docker'), 'via-docker')
  ok(['stop', '-t', '1', 'lr3'])
  assert.equal(ok(['inspect', '-f', '{{.State.Status}}', 'lr3']), 'exited')
  ok(['stop', '-t', '1', 'lr4'], 'docker')
  ok(['kill', 'lr1'])
  assert.match(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'lr1']), /^exited 137$/)
  // attach after the restart: what we type comes back. stdin stays open (the container was started
  // with -i and StdinOnce=false), so attach runs until we end it, as docker attach does.
  const attached = d.berth(['attach', 'lrcat'], { input: 'after-crash\n', timeoutMs: 3000 })
  assert.match(attached.stdout, /after-crash/)
})
