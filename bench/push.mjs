#!/usr/bin/env node
// `docker push` throughput: a one-layer image of 100 MB (half random bytes, half text, so gzip has
// real work) pushed through the docker CLI to a local docker-registry, median of N pushes, each to
// a registry with empty storage (restarted between pushes), so every push compresses and uploads
// the whole layer. Printed in ms and MB/s of uncompressed layer. berthd and the registry share a
// network namespace of the bench's own (bench/lib.mjs); nothing leaves 127.0.0.1.
// No Docker engine comparison: pushing from one needs a registry it can reach, which would be the
// machine's own loopback; say so when one is running.
// Usage: node bench/push.mjs [iterations]   (as root, after scripts/setup.sh)
import { spawn, spawnSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkpoint, dockerEngine, median, must, once, startDaemon, stopOnSignal, time } from './lib.mjs'

const N = Number(process.argv[2] ?? 3)
const MB = 100
const PORT = 5123

const dir = mkdtempSync('/tmp/berth-bench-push-')
let daemon
let registry

/** docker-registry on 127.0.0.1:PORT of `netns`, storage under `root`; `ready` resolves once it answers. */
function startRegistry(netns, root) {
  mkdirSync(root, { recursive: true })
  const config = join(root, 'config.yml')
  writeFileSync(config, JSON.stringify({ version: 0.1, log: { level: 'error', accesslog: { disabled: true } }, storage: { filesystem: { rootdirectory: join(root, 'storage') } }, http: { addr: `127.0.0.1:${PORT}` } }))
  const proc = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', '/usr/bin/docker-registry', 'serve', config], { stdio: 'ignore' })
  const stop = once(() => new Promise((r) => (proc.exitCode !== null || proc.signalCode !== null ? r() : (proc.once('exit', r), proc.kill('SIGTERM')))))
  const ready = (async () => {
    for (let i = 0; i < 200; i++) {
      const up = spawnSync('nsenter', [`--net=/run/netns/${netns}`, '--', 'curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${PORT}/v2/`], { encoding: 'utf8' })
      if (up.stdout === '200') return
      await new Promise((r) => setTimeout(r, 50))
    }
    throw new Error('docker-registry did not start')
  })()
  return { stop, ready }
}

const close = once(async () => {
  await registry?.stop()
  await daemon?.close()
  rmSync(dir, { recursive: true, force: true })
})

stopOnSignal()
try {
  daemon = await startDaemon(join(dir, 'd'))
  const src = join(dir, 'src')
  mkdirSync(src)
  must('sh', ['-c', `head -c ${(MB / 2) << 20} /dev/urandom > ${src}/random && seq 1 99999999 | head -c ${(MB / 2) << 20} > ${src}/text && tar -C ${src} -cf ${dir}/layer.tar .`])
  rmSync(src, { recursive: true })
  const ref = `127.0.0.1:${PORT}/bench/push:1`
  daemon.docker(['import', join(dir, 'layer.tar'), ref])
  const samples = []
  for (let i = 0; i < N; i++) {
    await checkpoint()
    rmSync(join(dir, 'registry'), { recursive: true, force: true })
    registry = startRegistry(daemon.netns, join(dir, 'registry'))
    await registry.ready
    samples.push(time(() => daemon.docker(['push', ref])))
    await registry.stop()
    registry = undefined
  }
  const ms = median(samples)
  console.log(`push of a ${MB} MB one-layer image (gzip + upload) — median of ${N}`)
  console.log(`${'docker CLI → berthd → docker-registry'.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms   ${(MB / (ms / 1000)).toFixed(1).padStart(6)} MB/s   (samples: ${samples.map((s) => s.toFixed(0)).join(', ')} ms)`)
  if (dockerEngine()) console.log('(a Docker engine is running, but it cannot reach the bench registry inside its namespace: no comparison)')
  else console.log('(no Docker engine running on /var/run/docker.sock: no comparison)')
} finally {
  await close()
}
