// A bridge-driver sandbox timed with berthd's own code and nothing around it: the steps of
// engine/networks/sandbox.ts `setup` and `teardown` for one container on one bridge network
// (createNetns + loopbackUp + attachVeth, and optionally one published port as an nftables element)
// and back (element delete + removeNetns). The IPAM lease (one SQLite transaction) is left out.
// bench/network.mjs runs it inside a network namespace of its own:
//   nsenter --net=/run/netns/X -- node --import tsx bench/net-sandbox.ts <pin dir> <iterations>
// and reads one line of JSON (milliseconds, every sample).
import { createNetns, removeNetns } from '../src/sys/netns.js'
import { attachVeth, ensureBridge, loopbackUp, newHostIfName } from '../src/network/bridge.js'
import { Firewall, type FirewallPort } from '../src/network/firewall.js'
import { interfaceExists } from '../src/sys/netdev.js'
import { run } from '../src/sys/exec.js'
import { join } from 'node:path'

const [pinDir, n = '40'] = process.argv.slice(2)
if (!pinDir) throw new Error('usage: net-sandbox.ts <pin dir> [iterations]')
const N = Number(n)

const BRIDGE = 'bbench0'
const SUBNET = '172.31.0.0/16'
await ensureBridge({ name: BRIDGE, gateway: '172.31.0.1', prefix: 16 })
const firewall = new Firewall('berth_bench', () => ({ networks: [{ bridge: BRIDGE, subnet: SUBNET, internal: false }], ports: [] }))
await firewall.sync()

const ms = (t: bigint) => Number(process.hrtime.bigint() - t) / 1e6
// prettier-ignore
const samples: Record<string, number[]> = {
  setup: [], teardown: [], setupPort: [], teardownPort: [], vethGone: [],
  // the steps, over both kinds of iteration
  netns: [], veth: [], nftAdd: [], nftDelete: [], unpin: [],
  // what starting the two programs costs with nothing to do: the floor under veth and nft steps
  ipNoop: [], nftNoop: [],
}
const step = (k: string, t: bigint) => samples[k]!.push(ms(t))

async function once(i: number, publish: boolean): Promise<void> {
  const pin = join(pinDir, `sb${i}${publish ? 'p' : ''}`)
  const hostIf = newHostIfName()
  const ip = `172.31.${1 + (i >> 8)}.${i & 255}`
  const ports: FirewallPort[] = publish ? [{ proto: 'tcp', hostIp: '', hostPort: 20000 + i, ip, port: 80 }] : []
  const t = process.hrtime.bigint()
  let u = t
  createNetns(pin)
  loopbackUp(pin)
  step('netns', u)
  u = process.hrtime.bigint()
  await attachVeth({ netns: pin, bridge: BRIDGE, hostIf, ifName: 'eth0', mac: `02:42:ac:1f:${(1 + (i >> 8)).toString(16).padStart(2, '0')}:${(i & 255).toString(16).padStart(2, '0')}`, ip, prefix: 16, gateway: '172.31.0.1', defaultRoute: true })
  step('veth', u)
  u = process.hrtime.bigint()
  await firewall.addPorts(ports)
  if (publish) step('nftAdd', u)
  step(publish ? 'setupPort' : 'setup', t)
  const d = process.hrtime.bigint()
  await firewall.removePorts(ports)
  if (publish) step('nftDelete', d)
  u = process.hrtime.bigint()
  removeNetns(pin)
  step('unpin', u)
  step(publish ? 'teardownPort' : 'teardown', d)
  // The kernel frees the namespace, and the veth pair with it, after removeNetns returns. Waiting
  // for it (untimed for teardown) keeps one iteration's cleanup out of the next one's numbers.
  const g = process.hrtime.bigint()
  while (interfaceExists(hostIf)) await new Promise((r) => setTimeout(r, 1))
  step('vethGone', g)
}

try {
  for (let i = 0; i < 3; i++) await once(250 + i, i % 2 === 1) // warm-up: JIT, first nft and ip runs
  for (const k of Object.keys(samples)) samples[k] = []
  for (let i = 1; i <= N; i++) {
    await once(i, false)
    await once(i, true)
    let t = process.hrtime.bigint()
    await run('ip', ['-batch', '-'], { input: '' })
    step('ipNoop', t)
    t = process.hrtime.bigint()
    await run('nft', ['-f', '-'], { input: '' })
    step('nftNoop', t)
  }
} finally {
  await firewall.drop().catch(() => undefined)
}
process.stdout.write(JSON.stringify(samples) + '\n')
