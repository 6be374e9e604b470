#!/usr/bin/env node
// Start-up benchmarks, measured side by side in one run, printed as medians and ratios:
//   1. `run --rm --network none busybox true` (docker CLI → berthd) vs raw `runc run`
//   2. `exec <running> true` (docker CLI → berthd) vs raw `runc exec`
//   3. `berth --version` vs bare `node -e 0`
// With a Docker engine on /var/run/docker.sock, the same docker CLI workloads against it too.
// Usage: node bench/run.mjs [iterations]   (as root, after scripts/setup.sh)
import { spawnSync, spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'

const N = Number(process.argv[2] ?? 15)
const REPO = resolve(import.meta.dirname, '..')
const dir = mkdtempSync('/tmp/berth-bench-')
const socket = join(dir, 'run/berth.sock')
const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'dc') }

const time = (fn) => {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}
const must = (file, args, opts = {}) => {
  const r = spawnSync(file, args, { encoding: 'utf8', env, ...opts })
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed: ${r.stderr}`)
  return r.stdout
}
/** Interleaves the workloads so machine noise hits them alike. */
const measure = (workloads) => {
  const samples = Object.fromEntries(Object.keys(workloads).map((k) => [k, []]))
  for (const fn of Object.values(workloads)) fn() // warm-up
  for (let i = 0; i < N; i++) for (const [k, fn] of Object.entries(workloads)) samples[k].push(time(fn))
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]))
}
const line = (label, ms, base, target) =>
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms` + (base ? `   ${(ms / base).toFixed(2)}×${target ? ` (target ≤ ${target}×)` : ''}` : ''))

// A busybox bundle for raw runc, the same content berth's built-in image has.
const bundle = join(dir, 'bundle')
const rootfs = join(bundle, 'rootfs')
mkdirSync(join(rootfs, 'bin'), { recursive: true })
for (const d of ['proc', 'sys', 'dev', 'tmp', 'etc']) mkdirSync(join(rootfs, d), { recursive: true })
writeFileSync(join(rootfs, 'bin/busybox'), readFileSync('/bin/busybox'), { mode: 0o755 })
for (const a of ['sh', 'true', 'sleep']) symlinkSync('busybox', join(rootfs, 'bin', a))
must('runc', ['spec', '--bundle', bundle])
const spec = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'))
spec.process.terminal = false
spec.process.args = ['/bin/true']
spec.root.readonly = false
writeFileSync(join(bundle, 'config.json'), JSON.stringify(spec))
const runcRoot = join(dir, 'runc')

const daemon = spawn(join(REPO, 'bin/berthd'), ['--data-root', join(dir, 'data'), '--exec-root', join(dir, 'run')], { stdio: 'ignore' })
try {
  for (let i = 0; i < 200 && !existsSync(socket); i++) spawnSync('sleep', ['0.05'])
  must('docker', ['version'])
  must('docker', ['run', '-d', '--name', 'bench-exec', '--network', 'none', 'busybox', 'sleep', '3600'])
  // a long-running raw runc container for exec
  const sleeper = { ...spec, process: { ...spec.process, args: ['/bin/sleep', '3600'] } }
  const sleeperBundle = join(dir, 'sleeper')
  mkdirSync(sleeperBundle)
  writeFileSync(join(sleeperBundle, 'config.json'), JSON.stringify({ ...sleeper, root: { path: rootfs, readonly: true } }))
  // its stdio must not be a pipe we wait on: the container keeps it open
  must('runc', ['--root', runcRoot, 'run', '-d', '--bundle', sleeperBundle, 'bench-sleeper'], { stdio: 'ignore' })

  const hasDocker = existsSync('/var/run/docker.sock') && spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { env: process.env }).status === 0
  let i = 0
  const r = measure({
    runc: () => must('runc', ['--root', runcRoot, 'run', '--bundle', bundle, `bench-${i++}`]),
    berth: () => must('docker', ['run', '--rm', '--network', 'none', 'busybox', 'true']),
    ...(hasDocker ? { docker: () => must('docker', ['-H', 'unix:///var/run/docker.sock', 'run', '--rm', '--network', 'none', 'busybox', 'true']) } : {}),
  })
  const e = measure({
    runc: () => must('runc', ['--root', runcRoot, 'exec', 'bench-sleeper', '/bin/true']),
    berth: () => must('docker', ['exec', 'bench-exec', 'true']),
  })
  const s = measure({
    node: () => must('node', ['-e', '0']),
    berth: () => must(join(REPO, 'bin/berth'), ['--version']),
  })

  console.log(`berth benchmarks — ${N} interleaved runs each, medians`)
  line('run --rm --network none busybox true: raw runc run', r.runc)
  line('  docker CLI → berthd', r.berth, r.runc, 3)
  if (r.docker) line('  docker CLI → Docker engine', r.docker, r.runc)
  else console.log('  (no Docker engine running: install docker.io and start dockerd to compare)')
  line('exec <running> true: raw runc exec', e.runc)
  line('  docker CLI → berthd', e.berth, e.runc, 2.5)
  line('CLI start-up: node -e 0', s.node)
  line('  berth --version', s.berth, s.node, 1.3)
} finally {
  spawnSync('docker', ['rm', '-f', 'bench-exec'], { env })
  spawnSync('runc', ['--root', runcRoot, 'delete', '-f', 'bench-sleeper'])
  daemon.kill('SIGTERM')
  await new Promise((r) => daemon.once('exit', r))
  rmSync(dir, { recursive: true, force: true })
}
