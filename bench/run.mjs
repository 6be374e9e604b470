#!/usr/bin/env node
// Start-up benchmarks, measured side by side in one run, printed as medians and ratios:
//   1. `run --rm --network none busybox true` (docker CLI → berthd) vs raw `runc run`
//   2. `exec <running> true` (docker CLI → berthd) vs raw `runc exec`
//   3. `berth --version` vs bare `node -e 0`
//   4. `run --rm -v vol:/data busybox true` vs the same run without -v (within 10%)
// With a Docker engine on /var/run/docker.sock, the same docker CLI workloads against it too.
// berthd runs in a network namespace of the bench's own (bench/lib.mjs): its bridge and firewall
// table never reach the machine's.
// Usage: node bench/run.mjs [iterations]   (as root, after scripts/setup.sh)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, busyboxBundle, dockerEngine, line, measure, must, once, startDaemon, stopOnSignal } from './lib.mjs'

const N = Number(process.argv[2] ?? 15)
const dir = mkdtempSync('/tmp/berth-bench-')
const { spec, rootfs, bundle } = busyboxBundle(dir)
const runcRoot = join(dir, 'runc')

let daemon
const close = once(async () => {
  if (daemon) spawnSync('docker', ['rm', '-f', 'bench-exec'], { env: daemon.env, stdio: 'ignore' })
  spawnSync('runc', ['--root', runcRoot, 'delete', '-f', 'bench-sleeper'], { stdio: 'ignore' })
  await daemon?.close()
  rmSync(dir, { recursive: true, force: true })
})
stopOnSignal()
try {
  daemon = await startDaemon(join(dir, 'd'))
  const { docker } = daemon
  docker(['run', '-d', '--name', 'bench-exec', '--network', 'none', 'busybox', 'sleep', '3600'])
  // a long-running raw runc container for exec
  const sleeper = { ...spec, process: { ...spec.process, args: ['/bin/sleep', '3600'] } }
  const sleeperBundle = join(dir, 'sleeper')
  mkdirSync(sleeperBundle)
  writeFileSync(join(sleeperBundle, 'config.json'), JSON.stringify({ ...sleeper, root: { path: rootfs, readonly: true } }))
  // its stdio must not be a pipe we wait on: the container keeps it open
  must('runc', ['--root', runcRoot, 'run', '-d', '--bundle', sleeperBundle, 'bench-sleeper'], { stdio: 'ignore' })

  const hasDocker = dockerEngine()
  let i = 0
  const r = await measure(
    {
      runc: () => must('runc', ['--root', runcRoot, 'run', '--bundle', bundle, `bench-${i++}`]),
      berth: () => docker(['run', '--rm', '--network', 'none', 'busybox', 'true']),
      ...(hasDocker ? { docker: () => must('docker', ['-H', 'unix:///var/run/docker.sock', 'run', '--rm', '--pull', 'never', '--network', 'none', 'busybox', 'true']) } : {}),
    },
    N,
  )
  const e = await measure(
    {
      runc: () => must('runc', ['--root', runcRoot, 'exec', 'bench-sleeper', '/bin/true']),
      berth: () => docker(['exec', 'bench-exec', 'true']),
    },
    N,
  )
  const s = await measure(
    {
      node: () => must('node', ['-e', '0']),
      berth: () => must(join(REPO, 'bin/berth'), ['--version']),
    },
    N,
  )

  // a named volume costs a prepare and a bind mount; busybox has no /data, so nothing to copy up
  const v = await measure(
    {
      plain: () => docker(['run', '--rm', '--network', 'none', 'busybox', 'true']),
      volume: () => docker(['run', '--rm', '--network', 'none', '-v', 'bench-vol:/data', 'busybox', 'true']),
    },
    N,
  )

  console.log(`berth benchmarks — ${N} interleaved runs each, medians`)
  line('run --rm --network none busybox true: raw runc run', r.runc)
  line('  docker CLI → berthd', r.berth, r.runc, 3)
  if (r.docker) line('  docker CLI → Docker engine', r.docker, r.runc)
  else console.log('  (no Docker engine running: install docker.io and start dockerd to compare)')
  line('exec <running> true: raw runc exec', e.runc)
  line('  docker CLI → berthd', e.berth, e.runc, 2.5)
  line('run --rm --network none busybox true (berthd)', v.plain)
  line('  with -v bench-vol:/data', v.volume, v.plain, 1.1)
  line('CLI start-up: node -e 0', s.node)
  line('  berth --version', s.berth, s.node, 1.3)
} finally {
  await close()
}
