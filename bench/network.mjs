#!/usr/bin/env node
// Networking benchmarks. berthd runs in a network namespace the bench creates (its "host"); all
// traffic stays on that namespace's 127.0.0.1 and on the containers' addresses inside it.
//   1. Network setup + teardown per container on the bridge driver, two ways:
//      a. berthd's own functions timed directly (bench/net-sandbox.ts in a second private
//         namespace): createNetns + loopbackUp + attachVeth (+ one published port's nftables
//         element), then element delete + removeNetns;
//      b. as the engine pays it: `run --rm busybox true` minus `run --rm --network none busybox
//         true` (docker CLI → berthd), the median of paired, interleaved differences.
//   2. `run --rm busybox true` on the default bridge (docker CLI → berthd) vs raw `runc run`.
//   3. TCP throughput with iperf3 (a locally built image: Debian's iperf3 and its libraries plus
//      busybox, `docker import`ed): host → container through a port published on 127.0.0.1 vs
//      straight to the container's address; container → container on a user network vs the
//      host's loopback.
// With a Docker engine on /var/run/docker.sock, the `run` timings against it too (never iperf3:
// Docker's containers are not inside this bench's namespaces).
// Usage: node bench/network.mjs [runs] [iperf rounds]   (as root, after scripts/setup.sh, npm run build)
import { spawnSync, spawn } from 'node:child_process'
import { mkdtempSync, mkdirSync, readFileSync, copyFileSync, chmodSync, symlinkSync, rmSync, realpathSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { REPO, busyboxBundle, checkpoint, dockerEngine, line, median, must, once, sample, startDaemon, stopOnSignal } from './lib.mjs'

const N = Number(process.argv[2] ?? 15)
const ROUNDS = Number(process.argv[3] ?? 3)
const IPERF_SECONDS = 3
const SANDBOXES = 50 // of each kind, for 1a
const IMAGE = 'berth-bench/iperf3:latest'
const NET = 'berth-bench-net'

if (!(N >= 1 && ROUNDS >= 1)) {
  console.error('usage: node bench/network.mjs [runs ≥ 1] [iperf rounds ≥ 1]')
  process.exit(2)
}
const iperf3 = spawnSync('sh', ['-c', 'command -v iperf3'], { encoding: 'utf8' }).stdout.trim()
if (!iperf3) {
  console.error('iperf3 is not installed: apt-get install -y iperf3 (scripts/setup.sh does)')
  process.exit(1)
}

const dir = mkdtempSync('/tmp/berth-bench-net-')
const sbNetns = `berth-bench-${process.pid}-sb`
let daemon
let loopServer
const close = once(async () => {
  if (loopServer && loopServer.exitCode === null) loopServer.kill('SIGTERM')
  spawnSync('ip', ['netns', 'del', sbNetns], { stdio: 'ignore' })
  if (daemon) {
    const ids = spawnSync('docker', ['ps', '-aq'], { env: daemon.env, encoding: 'utf8' }).stdout?.trim().split('\n').filter(Boolean) ?? []
    if (ids.length) spawnSync('docker', ['rm', '-f', ...ids], { env: daemon.env, stdio: 'ignore' })
    spawnSync('docker', ['network', 'rm', NET], { env: daemon.env, stdio: 'ignore' })
    await daemon.close()
  }
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) {
    const m = line.split(' ')[4]
    if (m?.startsWith(dir + '/')) spawnSync('umount', ['-l', m])
  }
  rmSync(dir, { recursive: true, force: true })
})
stopOnSignal()

/** iperf3 -J output → Gbit/s as the receiver counted it; retries while the server is not up yet. */
function iperf(runClient) {
  for (let attempt = 0; ; attempt++) {
    const r = runClient()
    let j
    try {
      j = JSON.parse(r.stdout)
    } catch {
      j = { error: (r.stderr || r.stdout).trim() }
    }
    if (!j.error && r.status === 0) return j.end.sum_received.bits_per_second / 1e9
    if (attempt < 40 && /connect|refused|busy/i.test(j.error ?? '')) {
      spawnSync('sleep', ['0.1'])
      continue
    }
    throw new Error(`iperf3 client failed: ${j.error ?? r.stderr}`)
  }
}

/** A rootfs with iperf3, the shared libraries ldd names for it, and busybox. */
function iperfRootfs(root) {
  const copy = (src) => {
    const dst = join(root, src)
    mkdirSync(dirname(dst), { recursive: true })
    copyFileSync(realpathSync(src), dst)
    chmodSync(dst, 0o755)
  }
  copy(iperf3)
  for (const m of must('ldd', [iperf3]).matchAll(/(\/\S+) \(0x/g)) copy(m[1])
  mkdirSync(join(root, 'bin'), { recursive: true })
  copyFileSync('/bin/busybox', join(root, 'bin/busybox'))
  chmodSync(join(root, 'bin/busybox'), 0o755)
  for (const a of ['sh', 'true', 'sleep', 'cat', 'ip']) symlinkSync('busybox', join(root, 'bin', a))
  for (const d of ['proc', 'sys', 'dev', 'etc']) mkdirSync(join(root, d), { recursive: true })
  mkdirSync(join(root, 'tmp'), { mode: 0o1777 })
  chmodSync(join(root, 'tmp'), 0o1777) // iperf3's client makes its buffer file there
}

const loadavg = () => `${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`
try {
  const loadBefore = loadavg()
  const hasDocker = dockerEngine()
  const { bundle } = busyboxBundle(dir)
  const runcRoot = join(dir, 'runc')
  daemon = await startDaemon(join(dir, 'd'))
  const { docker } = daemon

  // 1a. the sandbox functions, timed directly
  must('ip', ['netns', 'add', sbNetns])
  must('ip', ['-n', sbNetns, 'link', 'set', 'lo', 'up'])
  mkdirSync(join(dir, 'pins'))
  const sb = JSON.parse(
    must('nsenter', [`--net=/run/netns/${sbNetns}`, '--', process.execPath, '--import', 'tsx', join(REPO, 'bench/net-sandbox.ts'), join(dir, 'pins'), String(SANDBOXES)], { cwd: REPO }),
  )
  spawnSync('ip', ['netns', 'del', sbNetns])
  await checkpoint()

  // 1b and 2. `run --rm` timings, interleaved
  let i = 0
  // --pull never: the bench never reaches a registry (the Docker engine must have busybox already)
  const D = ['-H', 'unix:///var/run/docker.sock', 'run', '--rm', '--pull', 'never']
  const run = await sample(
    {
      runc: () => must('runc', ['--root', runcRoot, 'run', '--bundle', bundle, `bench-${i++}`]),
      none: () => docker(['run', '--rm', '--network', 'none', 'busybox', 'true']),
      bridge: () => docker(['run', '--rm', 'busybox', 'true']),
      port: () => docker(['run', '--rm', '-p', '127.0.0.1::80', 'busybox', 'true']),
      ...(hasDocker
        ? {
            dockerNone: () => must('docker', [...D, '--network', 'none', 'busybox', 'true']),
            dockerBridge: () => must('docker', [...D, 'busybox', 'true']),
          }
        : {}),
    },
    N,
  )
  const paired = (a, b) => median(run[a].map((x, k) => x - run[b][k]))
  const m = Object.fromEntries(Object.entries(run).map(([k, v]) => [k, median(v)]))

  // 3. iperf3
  const root = join(dir, 'iperf-rootfs')
  iperfRootfs(root)
  const tar = spawnSync('tar', ['--numeric-owner', '-C', root, '-cf', '-', '.'], { maxBuffer: 256 << 20 })
  if (tar.status !== 0) throw new Error(`tar: ${tar.stderr}`)
  await checkpoint()
  docker(['import', '-', IMAGE], { input: tar.stdout })
  docker(['run', '-d', '--name', 'bench-iperf-pub', '-p', '127.0.0.1:5201:5201', IMAGE, '/usr/bin/iperf3', '-s'])
  docker(['network', 'create', NET])
  docker(['run', '-d', '--name', 'bench-iperf-net', '--network', NET, IMAGE, '/usr/bin/iperf3', '-s'])
  const ipOf = (name) => docker(['inspect', '-f', '{{range .NetworkSettings.Networks}}{{.IPAddress}}{{end}}', name]).trim()
  const pubIp = ipOf('bench-iperf-pub')
  const netIp = ipOf('bench-iperf-net')
  loopServer = spawn('nsenter', [`--net=/run/netns/${daemon.netns}`, '--', iperf3, '-s', '-B', '127.0.0.1', '-p', '5202'], { stdio: 'ignore' })
  const t = String(IPERF_SECONDS)
  const fromHost = (ip, port) => () => spawnSync('nsenter', [`--net=/run/netns/${daemon.netns}`, '--', iperf3, '-c', ip, '-p', port, '-t', t, '-J'], { encoding: 'utf8', maxBuffer: 64 << 20 })
  const fromContainer = (ip) => () =>
    spawnSync('docker', ['run', '--rm', '--network', NET, IMAGE, '/usr/bin/iperf3', '-c', ip, '-t', t, '-J'], { env: daemon.env, encoding: 'utf8', maxBuffer: 64 << 20 })
  const flows = {
    published: fromHost('127.0.0.1', '5201'),
    direct: fromHost(pubIp, '5201'),
    c2c: fromContainer(netIp),
    loopback: fromHost('127.0.0.1', '5202'),
  }
  const gbps = Object.fromEntries(Object.keys(flows).map((k) => [k, []]))
  for (let r = 0; r < ROUNDS; r++)
    for (const [k, f] of Object.entries(flows)) {
      await checkpoint()
      gbps[k].push(iperf(f))
    }
  const g = Object.fromEntries(Object.entries(gbps).map(([k, v]) => [k, median(v)]))

  // the table
  const ms = (k) => median(sb[k])
  const row = (label, value, unit, note = '') => console.log(`${label.padEnd(58)} ${value.toFixed(unit === 'ms' ? 1 : 2).padStart(8)} ${unit.padEnd(6)}${note}`)
  const verdict = (ok) => (ok ? '  ok' : '  MISSED')
  console.log(`berth network benchmarks — medians; ${N} interleaved runs, ${sb.setup.length} sandboxes of each kind, ${ROUNDS} × ${IPERF_SECONDS} s iperf3 rounds`)
  console.log(`(load average ${loadBefore} before, ${loadavg()} after, on ${spawnSync('nproc', { encoding: 'utf8' }).stdout.trim()} CPUs: other work skews every number)`)
  console.log('1. network setup + teardown per container, bridge driver (target ≤ 15 ms)')
  const total = ms('setup') + ms('teardown')
  const totalPort = ms('setupPort') + ms('teardownPort')
  row('  sandbox functions: setup (netns + lo + veth)', ms('setup'), 'ms')
  row('    teardown (unpin the namespace)', ms('teardown'), 'ms')
  row('    setup + teardown', total, 'ms', verdict(total <= 15))
  row('  with one published port: setup (+ nft element add)', ms('setupPort'), 'ms')
  row('    teardown (nft element delete + unpin)', ms('teardownPort'), 'ms')
  row('    setup + teardown', totalPort, 'ms', verdict(totalPort <= 15))
  row('  steps: createNetns + loopbackUp', ms('netns'), 'ms')
  row('    attachVeth (rtnetlink + ioctls)', ms('veth'), 'ms')
  row('    nft element add / delete', ms('nftAdd'), 'ms', ` / ${ms('nftDelete').toFixed(1)} ms`)
  row('    no-op `ip -batch` / `nft -f` (process start alone)', ms('ipNoop'), 'ms', ` / ${ms('nftNoop').toFixed(1)} ms`)
  row('    after teardown, until the kernel has freed the veth', ms('vethGone'), 'ms', '  (asynchronous, not in teardown)')
  const dBridge = paired('bridge', 'none')
  const dPort = paired('port', 'none')
  row('  engine: run --rm busybox true − same with --network none', dBridge, 'ms', verdict(dBridge <= 15))
  row('    with -p 127.0.0.1::80 − with --network none', dPort, 'ms')
  if (hasDocker) row('    Docker engine: default bridge − --network none', paired('dockerBridge', 'dockerNone'), 'ms')
  console.log('2. run --rm busybox true, default bridge (target ≤ 3.5× raw runc)')
  line('  raw runc run', m.runc)
  console.log(`${'  docker CLI → berthd, default bridge'.padEnd(58)} ${m.bridge.toFixed(1).padStart(8)} ms   ${(m.bridge / m.runc).toFixed(2)}× (target ≤ 3.5×)${verdict(m.bridge / m.runc <= 3.5)}`)
  line('  docker CLI → berthd, --network none', m.none, m.runc)
  line('  docker CLI → berthd, -p 127.0.0.1::80', m.port, m.runc)
  if (hasDocker) {
    line('  docker CLI → Docker engine, default bridge', m.dockerBridge, m.runc)
    line('  docker CLI → Docker engine, --network none', m.dockerNone, m.runc)
  } else console.log('  (no Docker engine running: install docker.io and start dockerd to compare)')
  console.log(`3. TCP throughput, iperf3 single stream, ${IPERF_SECONDS} s`)
  row('  host → container, straight to its address', g.direct, 'Gbit/s')
  row('  host → container via 127.0.0.1 published port', g.published, 'Gbit/s', `  ratio ${(g.published / g.direct).toFixed(2)} (target ≥ 0.9)${verdict(g.published / g.direct >= 0.9)}`)
  row('  host loopback (127.0.0.1 → 127.0.0.1)', g.loopback, 'Gbit/s')
  row('  container → container, user network', g.c2c, 'Gbit/s', `  ratio ${(g.c2c / g.loopback).toFixed(2)} (target ≥ 0.8)${verdict(g.c2c / g.loopback >= 0.8)}`)
  console.log(`  (every round, Gbit/s: ${Object.entries(gbps).map(([k, v]) => `${k} ${v.map((x) => x.toFixed(1)).join('/')}`).join('; ')})`)
  if (hasDocker) console.log('  (iperf3 is not run against the Docker engine: its containers are outside the bench namespaces)')
} catch (e) {
  if (daemon) console.error(`berthd log (last lines):\n${daemon.log().split('\n').slice(-30).join('\n')}`)
  throw e
} finally {
  await close()
}
