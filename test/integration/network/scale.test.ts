// Scale: 50 containers started at once on one user network get 50 distinct addresses and every one
// finds every other through the embedded DNS server; once they are removed, the network's leases,
// the firewall (nftables and iptables, read inside the daemon's namespace) and the namespace's
// interfaces are exactly what they were before the first container started.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile, spawnSync } from 'node:child_process'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { BERTH, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'

const COUNT = 50
const NET = 'scale-net'
const names = Array.from({ length: COUNT }, (_, i) => `scale-c${i + 1}`)

let d: TestDaemon
before(async () => {
  d = await startDaemon('net-scale')
})
after(async () => {
  await d.cleanup()
})

/** A CLI call that does not block the event loop, so many can run at once. */
const cliAsync = (file: 'docker' | 'berth', args: string[]): Promise<RunResult> =>
  new Promise((resolve) => {
    execFile(file === 'docker' ? 'docker' : BERTH, args, { env: d.env, encoding: 'utf8', timeout: 60_000, killSignal: 'SIGKILL', maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 137) : 0
      resolve({ code, stdout, stderr })
    })
  })

/** Runs `fn` over `items`, at most `limit` at a time. */
async function inParallel<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length)
  let next = 0
  const worker = async () => {
    while (next < items.length) {
      const i = next++
      out[i] = await fn(items[i]!)
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  return out
}

const ok = (r: RunResult, what: string) => {
  assert.equal(r.code, 0, `${what}: ${r.stderr}`)
  return r.stdout.trim()
}

/** The leases the daemon's database holds on a network. */
function leasesOf(networkId: string): string[] {
  const db = new Database(join(d.dataRoot, 'berth.db'), { readonly: true, fileMustExist: true })
  try {
    return (db.prepare('SELECT ip FROM endpoints WHERE network_id = ? ORDER BY ip').all(networkId) as Array<{ ip: string }>).map((r) => r.ip)
  } finally {
    db.close()
  }
}

const toInt = (ip: string) => ip.split('.').reduce((n, b) => n * 256 + Number(b), 0)

const veths = () => spawnSync('ip', ['-n', d.netns, '-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout.trim()

/** What "the host" holds of berth's networking: its firewall, its veths, the network's leases. */
const hostState = (networkId: string) => ({
  nft: ok(d.host(['nft', 'list', 'ruleset']), 'nft list ruleset'),
  iptables: ok(d.host(['iptables-save']), 'iptables-save')
    .split('\n')
    .filter((l) => !l.startsWith('#')) // generation comments carry a timestamp
    .join('\n'),
  veths: veths(),
  leases: leasesOf(networkId),
})

// One nslookup per name and nothing else (a process per name is the cost here); each answer is
// headed by "== name". busybox nslookup asks for A and AAAA; its answers are "Address: <ip>" lines.
const LOOKUP_ALL = 'for n; do echo "== $n"; nslookup "$n" 2>&1; done'

/** "name ip…" per name looked up, from LOOKUP_ALL's output. */
const parseLookups = (out: string) =>
  out
    .split(/^== /m)
    .filter(Boolean)
    .map((block) => {
      const [name, ...lines] = block.split('\n')
      const ips = lines.flatMap((l) => /^Address: (\d+\.\d+\.\d+\.\d+)$/.exec(l)?.[1] ?? [])
      return [name, ...ips].join(' ')
    })
    .join('\n')

test(`${COUNT} containers on one user network: distinct addresses, mutual DNS, clean removal`, { timeout: 180_000 }, async (t) => {
  const networkId = ok(d.docker(['network', 'create', NET]), 'network create')
  const subnet = ok(d.docker(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', NET]), 'network inspect')
  const before = hostState(networkId)
  assert.equal(before.veths, '')
  assert.deepEqual(before.leases, [])

  // All at once: the lease transaction, the veth batch and the firewall queue are all contended.
  const t0 = Date.now()
  const runs = await Promise.all(names.map((n) => cliAsync('docker', ['run', '-d', '--network', NET, '--name', n, 'busybox', 'sleep', '600'])))
  runs.forEach((r, i) => ok(r, `run ${names[i]}`))
  const startedMs = Date.now() - t0

  // Distinct addresses, all inside the network's subnet, matching the leases.
  const inspected = ok(d.berth(['inspect', '-f', `{{.Name}} {{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, ...names]), 'inspect')
  const ipOf = new Map(inspected.split('\n').map((l) => l.replace(/^\//, '').split(' ') as [string, string]))
  assert.deepEqual([...ipOf.keys()], names)
  const ips = [...ipOf.values()]
  assert.equal(new Set(ips).size, COUNT, `addresses are not distinct: ${ips.join(' ')}`)
  const [base = '', bits = ''] = subnet.split('/')
  const inSubnet = (ip: string) => (toInt(ip) ^ toInt(base)) >>> (32 - Number(bits)) === 0
  assert.deepEqual(ips.filter((ip) => !inSubnet(ip)), [], `addresses outside ${subnet}`)
  assert.deepEqual(leasesOf(networkId), [...ips].sort())
  const listed = JSON.parse(ok(d.docker(['network', 'inspect', '-f', '{{json .Containers}}', NET]), 'network inspect')) as Record<string, { Name: string; IPv4Address: string }>
  assert.deepEqual(
    Object.values(listed).map((c) => `${c.Name} ${c.IPv4Address}`).sort(),
    names.map((n) => `${n} ${ipOf.get(n)}/${bits}`).sort(),
  )

  // Every container resolves every name (its own included) to that container's address: one exec
  // per container looping over all names, several execs at once.
  const t1 = Date.now()
  const answers = await inParallel(names, 4, (n) => cliAsync('docker', ['exec', n, 'sh', '-c', LOOKUP_ALL, 'sh', ...names]))
  const expected = names.map((n) => `${n} ${ipOf.get(n)}`).join('\n')
  answers.forEach((r, i) => assert.equal(parseLookups(ok(r, `lookups in ${names[i]}`)), expected, `lookups in ${names[i]}:\n${r.stdout}`))
  const resolvedMs = Date.now() - t1

  // Remove them all at once, half through each CLI.
  const rms = await Promise.all(names.map((n, i) => cliAsync(i % 2 ? 'docker' : 'berth', ['rm', '-f', n])))
  rms.forEach((r, i) => ok(r, `rm -f ${names[i]}`))

  assert.equal(ok(d.docker(['network', 'inspect', '-f', '{{json .Containers}}', NET]), 'network inspect'), '{}')
  // The veths go with their sandboxes' namespaces, which the kernel frees asynchronously.
  for (let i = 0; i < 100 && veths(); i++) await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(hostState(networkId), before)
  ok(d.berth(['network', 'rm', NET]), 'network rm')
  t.diagnostic(`${COUNT} containers started in ${startedMs} ms; ${COUNT * COUNT} lookups in ${resolvedMs} ms`)
})
