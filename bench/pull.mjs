#!/usr/bin/env node
// Pull throughput from a local registry: an image of ~100 MB of (incompressible) layers is pushed
// with skopeo to docker-registry in the bench's network namespace, then pulled through berthd
// with the docker CLI, the image removed between runs; the median of N runs is reported in MB/s
// of compressed blob bytes, next to `skopeo copy` of the same image into a directory (transfer
// and digest checks only, no unpacking) as the floor. With a Docker engine on
// /var/run/docker.sock, the same pull through it from a second registry on the host's 127.0.0.1.
// Usage: node bench/pull.mjs [runs=3] [megabytes=100]   (as root, after scripts/setup.sh)
import { spawn, spawnSync } from 'node:child_process'
import { createHash, randomBytes } from 'node:crypto'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import tar from 'tar-stream'
import { dockerEngine, median, must, once, startDaemon, stopOnSignal, checkpoint } from './lib.mjs'

const RUNS = Number(process.argv[2] ?? 3)
const MB = Number(process.argv[3] ?? 100)
const LAYERS = 4
const dir = mkdtempSync('/tmp/berth-bench-pull-')

const sha = (b) => createHash('sha256').update(b).digest('hex')

/** A docker-archive with LAYERS layers of random bytes, MB in total. */
async function writeArchive(file) {
  const tars = []
  for (let i = 0; i < LAYERS; i++) {
    const p = tar.pack()
    const chunks = []
    p.on('data', (c) => chunks.push(c))
    const ended = new Promise((r) => p.on('end', r))
    p.entry({ name: `data${i}.bin`, mtime: new Date(0) }, randomBytes(Math.floor((MB << 20) / LAYERS)))
    p.finalize()
    await ended
    tars.push(Buffer.concat(chunks))
  }
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', config: {}, rootfs: { type: 'layers', diff_ids: tars.map((t) => `sha256:${sha(t)}`) } }))
  const out = tar.pack()
  const chunks = []
  out.on('data', (c) => chunks.push(c))
  const ended = new Promise((r) => out.on('end', r))
  out.entry({ name: `${sha(config)}.json` }, config)
  tars.forEach((t) => out.entry({ name: `${sha(t)}/layer.tar` }, t))
  out.entry({ name: 'manifest.json' }, Buffer.from(JSON.stringify([{ Config: `${sha(config)}.json`, RepoTags: ['bench/pull:1'], Layers: tars.map((t) => `${sha(t)}/layer.tar`) }])))
  out.finalize()
  await ended
  writeFileSync(file, Buffer.concat(chunks))
}

/** docker-registry on 127.0.0.1:port, in `netns` when given; resolves once /v2/ answers. */
async function startRegistry(name, port, netns) {
  const root = join(dir, name)
  mkdirSync(root)
  writeFileSync(join(root, 'config.yml'), JSON.stringify({ version: 0.1, log: { level: 'error', accesslog: { disabled: true } }, storage: { filesystem: { rootdirectory: join(root, 'storage') } }, http: { addr: `127.0.0.1:${port}` } }))
  const wrap = (argv) => (netns ? ['nsenter', [`--net=/run/netns/${netns}`, '--', ...argv]] : [argv[0], argv.slice(1)])
  const [file, args] = wrap(['/usr/bin/docker-registry', 'serve', join(root, 'config.yml')])
  const proc = spawn(file, args, { stdio: 'ignore' })
  const inNs = (argv) => { const [f, a] = wrap(argv); return must(f, a, { maxBuffer: 64 << 20 }) }
  for (let i = 0; ; i++) {
    const [f, a] = wrap(['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', `http://127.0.0.1:${port}/v2/`])
    if (spawnSync(f, a, { encoding: 'utf8' }).stdout === '200') break
    if (i > 200) throw new Error(`registry ${name} did not start`)
    await new Promise((r) => setTimeout(r, 50))
  }
  return { host: `127.0.0.1:${port}`, inNs, stop: () => proc.kill('SIGTERM') }
}

const mbps = (bytes, ms) => (bytes / (1 << 20)) / (ms / 1000)
const timed = (fn) => {
  const t = process.hrtime.bigint()
  fn()
  return Number(process.hrtime.bigint() - t) / 1e6
}

let daemon
const registries = []
const close = once(async () => {
  for (const r of registries) r.stop()
  await daemon?.close()
  rmSync(dir, { recursive: true, force: true })
})
stopOnSignal()
try {
  daemon = await startDaemon(join(dir, 'd'))
  const reg = await startRegistry('reg', 5000, daemon.netns)
  registries.push(reg)
  const archive = join(dir, 'image.tar')
  await writeArchive(archive)
  reg.inNs(['skopeo', '--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${reg.host}/bench/pull:1`])
  const manifest = JSON.parse(reg.inNs(['curl', '-sf', '-H', 'Accept: application/vnd.docker.distribution.manifest.v2+json', `http://${reg.host}/v2/bench/pull/manifests/1`]))
  const bytes = manifest.layers.reduce((n, l) => n + l.size, 0) + manifest.config.size
  const ref = `${reg.host}/bench/pull:1`

  // the machine is often shared: a number means little without the load it was taken under
  const loadBefore = loadavg()[0]
  const berthMs = []
  const skopeoMs = []
  for (let i = 0; i < RUNS; i++) {
    await checkpoint()
    berthMs.push(timed(() => daemon.docker(['pull', '-q', ref])))
    daemon.docker(['rmi', ref])
    const out = join(dir, `skopeo-${i}`)
    skopeoMs.push(timed(() => reg.inNs(['skopeo', '--insecure-policy', 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `dir:${out}`])))
    rmSync(out, { recursive: true, force: true })
  }
  const b = median(berthMs)
  const s = median(skopeoMs)
  console.log(`image: ${manifest.layers.length} layers, ${(bytes / (1 << 20)).toFixed(1)} MB of blobs; median of ${RUNS}; load average ${loadBefore.toFixed(2)} → ${loadavg()[0].toFixed(2)}`)
  console.log(`docker pull via berthd        ${b.toFixed(0).padStart(6)} ms  ${mbps(bytes, b).toFixed(1).padStart(6)} MB/s   (runs: ${berthMs.map((x) => x.toFixed(0)).join(', ')} ms)`)
  console.log(`skopeo copy to dir (floor)    ${s.toFixed(0).padStart(6)} ms  ${mbps(bytes, s).toFixed(1).padStart(6)} MB/s   (no unpacking)`)

  if (dockerEngine()) {
    const host = await startRegistry('host-reg', 5999)
    registries.push(host)
    must('skopeo', ['--insecure-policy', 'copy', '-q', '--dest-tls-verify=false', `docker-archive:${archive}`, `docker://${host.host}/bench/pull:1`])
    const env = { ...process.env, DOCKER_HOST: 'unix:///var/run/docker.sock' }
    const ms = []
    for (let i = 0; i < RUNS; i++) {
      ms.push(timed(() => must('docker', ['pull', '-q', `${host.host}/bench/pull:1`], { env })))
      must('docker', ['rmi', `${host.host}/bench/pull:1`], { env })
    }
    console.log(`docker pull via dockerd       ${median(ms).toFixed(0).padStart(6)} ms  ${mbps(bytes, median(ms)).toFixed(1).padStart(6)} MB/s`)
  } else {
    console.log('no Docker engine on /var/run/docker.sock: no dockerd comparison')
  }
} finally {
  await close()
}
