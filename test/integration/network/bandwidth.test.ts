// Noisy neighbours: a container's rate limits (labels, network options, endpoint driver options)
// become token buckets on both ends of its veth pair.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn } from 'node:child_process'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('bandwidth')
})
after(async () => {
  await d.cleanup()
})

const ok = (args: string[]) => {
  const r = d.docker(args)
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}
const ipOf = (c: string) => ok(['inspect', '-f', '{{.NetworkSettings.Networks.shaped.IPAddress}}', c])

/**
 * Seconds until `to` has received 2 MiB from `from`, seen at the receiver, and the byte count.
 * The listener hands the connection to `wc` (busybox nc otherwise quits at EOF of its own stdin).
 */
async function transfer(from: string, to: string): Promise<{ seconds: number; bytes: number }> {
  const receiver = spawn('docker', ['exec', to, 'nc', '-l', '-p', '9000', '-e', 'sh', '-c', 'wc -c > /tmp/n'], { env: d.env, stdio: 'ignore' })
  const received = new Promise<void>((r) => receiver.on('exit', () => r()))
  await new Promise((r) => setTimeout(r, 500))
  const t = Date.now()
  ok(['exec', from, 'sh', '-c', `nc ${ipOf(to)} 9000 < /tmp/blob`])
  await received
  return { seconds: (Date.now() - t) / 1000, bytes: Number(ok(['exec', to, 'cat', '/tmp/n'])) }
}

test('an ingress limit shapes what reaches the container; others are untouched', async () => {
  ok(['network', 'create', 'shaped'])
  ok(['run', '-d', '--name', 'src', '--network', 'shaped', 'busybox', 'sh', '-c', 'dd if=/dev/zero of=/tmp/blob bs=1024 count=2048 2>/dev/null; exec sleep 600'])
  ok(['run', '-d', '--name', 'slow', '--network', 'shaped', '--label', 'berth.bandwidth.ingress=8mbit', '--label', 'berth.bandwidth.egress=8mbit', 'busybox', 'sleep', '600'])
  ok(['run', '-d', '--name', 'fast', '--network', 'shaped', 'busybox', 'sleep', '600'])
  const slow = await transfer('src', 'slow')
  const fast = await transfer('src', 'fast')
  assert.equal(slow.bytes, 2 * 1024 * 1024)
  assert.equal(fast.bytes, 2 * 1024 * 1024)
  // 2 MiB at 8 Mbit/s is about 2 s; unshaped it is a blink.
  assert.ok(slow.seconds > 1.5, `shaped transfer took ${slow.seconds}s`)
  assert.ok(fast.seconds < 1, `unshaped transfer took ${fast.seconds}s`)
  // Both ends of the pair carry the bucket: the host side (towards the container) and eth0 (from it).
  const sandbox = ok(['inspect', '-f', '{{.NetworkSettings.SandboxKey}}', 'slow'])
  assert.match(d.host(['nsenter', `--net=${sandbox}`, 'tc', 'qdisc', 'show', 'dev', 'eth0']).stdout, /tbf .*rate 8Mbit/)
  assert.match(d.host(['tc', 'qdisc', 'show']).stdout, /tbf .*dev veth\w+ root .*rate 8Mbit/)
  ok(['rm', '-f', 'src', 'slow', 'fast'])
  ok(['network', 'rm', 'shaped'])
})

test('a bad rate is refused at create', () => {
  const r = d.docker(['run', '--rm', '--label', 'berth.bandwidth.ingress=fast', 'busybox', 'true'])
  assert.equal(r.code, 125)
  assert.match(r.stderr, /invalid rate for berth\.bandwidth\.ingress: "fast"/)
})
