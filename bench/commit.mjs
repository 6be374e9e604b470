#!/usr/bin/env node
// `docker commit` of a container whose writable layer holds 200 MB of new small files (20 000
// files of 10 KiB, random content), timed through the docker CLI against berthd: median of N
// commits, printed in ms and MB/s. With a Docker engine on /var/run/docker.sock, the same workload
// against it too (its busybox image must be present: the bench never pulls).
// berthd runs in a network namespace of the bench's own (bench/lib.mjs).
// Usage: node bench/commit.mjs [iterations]   (as root, after scripts/setup.sh)
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { checkpoint, dockerEngine, median, must, once, startDaemon, stopOnSignal, time } from './lib.mjs'

const N = Number(process.argv[2] ?? 3)
const FILES = 20_000
const FILE_SIZE = 10 * 1024
const MB = (FILES * FILE_SIZE) / 1e6
// 100 random files copied into 200 directories: a few hundred processes, not one per file
const WRITE = [
  'mkdir /s /w', 'i=0', `while [ $i -lt 100 ]; do head -c ${FILE_SIZE} /dev/urandom > /s/$i; i=$((i+1)); done`,
  `j=0`, `while [ $j -lt ${FILES / 100} ]; do mkdir /w/$j && cp /s/* /w/$j/; j=$((j+1)); done`, 'rm -r /s', 'find /w -type f | wc -l',
].join('; ')

const dir = mkdtempSync('/tmp/berth-bench-commit-')
let daemon
const engines = []
const close = once(async () => {
  for (const { docker } of engines) {
    spawnSync('docker', [...docker, 'rm', '-f', 'bench-commit'], { stdio: 'ignore' })
    spawnSync('docker', [...docker, 'rmi', 'bench-commit-img'], { stdio: 'ignore' })
  }
  await daemon?.close()
  rmSync(dir, { recursive: true, force: true })
})

/** Median commit time of the prepared container, removing each image before the next commit. */
async function commitTimes(label, docker, env) {
  const run = (args) => must('docker', [...docker, ...args], { env })
  const made = run(['run', '--name', 'bench-commit', '--network', 'none', 'busybox', 'sh', '-c', WRITE]).trim()
  if (made !== String(FILES)) throw new Error(`${label}: the container wrote ${made} files, not ${FILES}`)
  const samples = []
  for (let i = 0; i < N; i++) {
    await checkpoint()
    // the container's own writes and the last image's removal are flushed first: commit alone is timed
    must('sync', [])
    samples.push(time(() => run(['commit', 'bench-commit', 'bench-commit-img'])))
    run(['rmi', 'bench-commit-img'])
  }
  run(['rm', 'bench-commit'])
  const ms = median(samples)
  console.log(`${label.padEnd(40)} ${ms.toFixed(0).padStart(7)} ms   ${(MB / (ms / 1000)).toFixed(1).padStart(6)} MB/s   (samples: ${samples.map((s) => s.toFixed(0)).join(', ')} ms)`)
}

stopOnSignal()
try {
  daemon = await startDaemon(join(dir, 'd'))
  engines.push({ docker: [] })
  console.log(`commit of a container with ${FILES} new files of ${FILE_SIZE / 1024} KiB (${MB.toFixed(0)} MB) — median of ${N}`)
  await commitTimes('docker CLI → berthd', [], daemon.env)
  if (dockerEngine()) {
    const docker = ['-H', 'unix:///var/run/docker.sock']
    engines.push({ docker })
    await commitTimes('docker CLI → Docker engine', docker, process.env)
  } else console.log('(no Docker engine running on /var/run/docker.sock: no comparison)')
} finally {
  await close()
}
