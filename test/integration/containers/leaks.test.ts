// 100 `run --rm` cycles leave mounts, processes, cgroups and directories exactly where they were.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync, existsSync } from 'node:fs'
import { spawnSync } from 'node:child_process'
import { join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('leaks')
})
after(async () => {
  await d.cleanup()
})

const snapshot = () => ({
  mounts: readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter((l) => l.includes(d.dir)).length,
  conmon: spawnSync('pgrep', ['-c', '-f', `conmon.*${d.dir}`], { encoding: 'utf8' }).stdout.trim(),
  cgroups: readdirSync('/sys/fs/cgroup').reduce(
    (n, ctl) => n + (existsSync(`/sys/fs/cgroup/${ctl}${d.cgroupParent}`) ? readdirSync(`/sys/fs/cgroup/${ctl}${d.cgroupParent}`, { withFileTypes: true }).filter((e) => e.isDirectory()).length : 0),
    0,
  ),
  containers: readdirSync(join(d.dataRoot, 'containers')).length,
  run: readdirSync(join(d.execRoot, 'c')).length,
  exits: readdirSync(join(d.execRoot, 'exits')).length,
})

test('100 run --rm cycles leak nothing', () => {
  const before = snapshot()
  for (let i = 0; i < 100; i++) {
    const r = d.berth(['run', '--rm', '--network', 'none', 'busybox', 'true'])
    assert.equal(r.code, 0, r.stderr)
  }
  // auto-removal finishes just after `run` returns
  const end = Date.now() + 5000
  while (Date.now() < end && snapshot().containers !== before.containers) spawnSync('sleep', ['0.1'])
  assert.deepEqual(snapshot(), before)
})
