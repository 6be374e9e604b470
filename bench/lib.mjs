// What the benchmarks share: timing and medians, a busybox bundle for raw runc, and a berthd in its
// own network namespace (the bench's private "host", as test/helpers/daemon.ts does for tests), so
// a benchmark never touches the machine's interfaces, routes or firewall.
import { spawnSync, spawn } from 'node:child_process'
import { mkdirSync, writeFileSync, readFileSync, rmSync, existsSync, symlinkSync, readdirSync, rmdirSync, openSync, closeSync } from 'node:fs'
import { join, resolve } from 'node:path'

export const REPO = resolve(import.meta.dirname, '..')

export const time = (fn) => {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b)
  return s[Math.floor(s.length / 2)]
}

/** Runs a program to completion; a non-zero exit is an error with its stderr. */
export const must = (file, args, opts = {}) => {
  const r = spawnSync(file, args, { encoding: 'utf8', maxBuffer: 64 << 20, ...opts })
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} failed (${r.status ?? r.signal}): ${r.stderr || r.error || ''}`)
  return r.stdout
}

/** Interleaves the workloads so machine noise hits them alike; every sample of each, in run order. */
export const sample = async (workloads, n) => {
  const samples = Object.fromEntries(Object.keys(workloads).map((k) => [k, []]))
  for (const fn of Object.values(workloads)) fn() // warm-up
  for (let i = 0; i < n; i++)
    for (const [k, fn] of Object.entries(workloads)) {
      await checkpoint()
      samples[k].push(time(fn))
    }
  return samples
}

/** Interleaved runs, reduced to each workload's median. */
export const measure = async (workloads, n) => Object.fromEntries(Object.entries(await sample(workloads, n)).map(([k, v]) => [k, median(v)]))

export const line = (label, ms, base, target) =>
  console.log(`${label.padEnd(58)} ${ms.toFixed(1).padStart(8)} ms` + (base ? `   ${(ms / base).toFixed(2)}×${target ? ` (target ≤ ${target}×)` : ''}` : ''))

/** A busybox bundle for raw runc running /bin/true, the same content berth's built-in image has. */
export function busyboxBundle(dir) {
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
  return { bundle, rootfs, spec }
}

/** Whether a Docker engine answers on /var/run/docker.sock. */
export const dockerEngine = () =>
  existsSync('/var/run/docker.sock') && spawnSync('docker', ['-H', 'unix:///var/run/docker.sock', 'version'], { env: process.env, stdio: 'ignore' }).status === 0

/**
 * Starts berthd on roots under `dir`, inside a new network namespace `berth-bench-<pid>` (lo up)
 * that plays the host (enter it with `nsenter --net=/run/netns/<netns>`). `close()` stops the daemon
 * and removes the namespace, the daemon's cgroup parent and `dir`; it runs once, however often called.
 */
export async function startDaemon(dir, extraArgs = []) {
  const netns = `berth-bench-${process.pid}`
  const cgroupParent = `/${netns}`
  const socket = join(dir, 'run/berth.sock')
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'dc') }
  must('ip', ['netns', 'add', netns])
  let proc
  const logFile = join(dir, 'berthd.log')
  const close = once(async () => {
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      const late = setTimeout(() => proc.kill('SIGKILL'), 15000)
      await exited
      clearTimeout(late)
    }
    // what a daemon that died early left: its containers, and the pins of their namespaces
    const runcRoot = join(dir, 'run/runc')
    if (existsSync(runcRoot))
      for (const id of spawnSync('runc', ['--root', runcRoot, 'list', '-q'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean))
        spawnSync('runc', ['--root', runcRoot, 'delete', '-f', id], { stdio: 'ignore' })
    const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]).filter((m) => m?.startsWith(dir + '/'))
    for (const m of mounts.reverse()) spawnSync('umount', ['-l', m])
    spawnSync('ip', ['netns', 'del', netns])
    for (const ctl of existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup') : []) {
      try {
        rmdirSync(`/sys/fs/cgroup/${ctl}${cgroupParent}`)
      } catch {
        // absent, or not empty: never force a cgroup away
      }
    }
    rmSync(dir, { recursive: true, force: true })
  })
  try {
    spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up'])
    mkdirSync(dir, { recursive: true })
    const log = openSync(logFile, 'w')
    // --dns-upstream none: the embedded DNS server never forwards a lookup off the machine
    const argv = [join(REPO, 'bin/berthd'), '--data-root', join(dir, 'data'), '--exec-root', join(dir, 'run'), '--cgroup-parent', cgroupParent, '--dns-upstream', 'none', ...extraArgs]
    // its own process group: a Ctrl-C at the terminal stops the bench, which then stops berthd
    proc = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], { stdio: ['ignore', log, log], detached: true })
    closeSync(log)
    for (let i = 0; i < 600; i++) {
      if (proc.exitCode !== null || proc.signalCode !== null) throw new Error(`berthd exited with ${proc.exitCode ?? proc.signalCode}:\n${readFileSync(logFile, 'utf8')}`)
      if (existsSync(socket) && spawnSync('docker', ['version'], { env, stdio: 'ignore' }).status === 0) break
      if (i === 599) throw new Error(`berthd did not answer on ${socket}:\n${readFileSync(logFile, 'utf8')}`)
      await new Promise((r) => setTimeout(r, 50))
      await checkpoint()
    }
  } catch (e) {
    await close()
    throw e
  }
  return {
    netns,
    cgroupParent,
    socket,
    env,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    /** the docker CLI against this daemon */
    docker: (args, opts = {}) => must('docker', args, { env, ...opts }),
    close,
  }
}

let stopped

/**
 * Ctrl-C, SIGTERM or SIGHUP ends the bench at its next checkpoint, through its own `finally` and
 * cleanup. (The measuring is synchronous, so a handler only runs between steps; a second signal
 * kills at once.)
 */
export function stopOnSignal() {
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.once(sig, () => {
      stopped = sig
      console.error(`\n${sig}: stopping and cleaning up (again to kill at once)`)
    })
}

/** Lets a pending signal in; throws when one came. */
export async function checkpoint() {
  await new Promise((r) => setImmediate(r))
  if (stopped) throw new Error(`stopped by ${stopped}`)
}

/** `fn` run once, however often the returned function is called. */
export const once = (fn) => {
  let p
  return () => (p ??= fn())
}
