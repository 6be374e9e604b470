// Published ports are DNAT in the kernel: they answer on 127.0.0.1, on the host's own and
// bridge-side addresses, from another host and from other containers, with no process carrying
// the bytes. A host port that is taken is refused with nothing half-made.
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawn, spawnSync } from 'node:child_process'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
// An "external client": its own namespace, linked to the daemon's by a veth pair.
const client = `berth-pubcli-${process.pid}`
const HOST_IP = '198.51.100.2'

before(async () => {
  d = await startDaemon('publish')
  const sh = (...argv: string[]) => {
    const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' })
    assert.equal(r.status, 0, `${argv.join(' ')}: ${r.stderr}`)
  }
  sh('ip', 'netns', 'add', client)
  sh('ip', '-n', client, 'link', 'set', 'lo', 'up')
  sh('ip', '-n', d.netns, 'link', 'add', 'ext0', 'type', 'veth', 'peer', 'name', 'cli0', 'netns', client)
  sh('ip', '-n', d.netns, 'addr', 'add', `${HOST_IP}/24`, 'dev', 'ext0')
  sh('ip', '-n', d.netns, 'link', 'set', 'ext0', 'up')
  sh('ip', '-n', client, 'addr', 'add', '198.51.100.3/24', 'dev', 'cli0')
  sh('ip', '-n', client, 'link', 'set', 'cli0', 'up')
})
after(async () => {
  spawnSync('ip', ['netns', 'del', client])
  spawnSync('ip', ['-n', d.netns, 'link', 'del', 'ext0'])
  await d.cleanup()
})

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)
const ok = (args: string[]) => {
  const r = d.docker(args)
  assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}`)
  return r.stdout.trim()
}
const curl = (url: string) => d.host(['curl', '-sf', '-m', '2', url])
const fromClient = (url: string) => spawnSync('nsenter', [`--net=/run/netns/${client}`, 'curl', '-sf', '-m', '2', url], { encoding: 'utf8' })
function until(probe: () => { code?: number | null; status?: number | null; stdout: string }): string {
  for (let i = 0; i < 50; i++) {
    const r = probe()
    if ((r.code ?? r.status) === 0) return r.stdout
    sleep(100)
  }
  throw new Error('never answered')
}
const SERVE = (text: string, port = 80) => `mkdir -p /www && echo ${text} > /www/index.html && exec httpd -f -p ${port} -h /www`
/** The published-port map elements of berth's table. */
const elements = () =>
  [...d.host(['nft', 'list', 'table', 'ip', 'berth']).stdout.matchAll(/map pub_\w+ \{[^}]*?elements = \{([^}]*)\}/g)].map((m) => m[1]!.trim()).join(' ')

test('a published port answers on every path, carried by the kernel', () => {
  ok(['run', '-d', '--name', 'pub', '-p', '8000:80', '-p', '127.0.0.1:8001:80', 'busybox', 'sh', '-c', SERVE('pub-page')])
  assert.equal(until(() => curl('http://127.0.0.1:8000/')), 'pub-page\n')
  assert.equal(curl('http://127.0.0.1:8001/').stdout, 'pub-page\n')
  const gateway = ok(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Gateway}}', 'bridge'])
  assert.equal(curl(`http://${gateway}:8000/`).stdout, 'pub-page\n', 'the bridge-side address')
  assert.equal(curl(`http://${HOST_IP}:8000/`).stdout, 'pub-page\n', "the host's own address")
  assert.equal(fromClient(`http://${HOST_IP}:8000/`).stdout, 'pub-page\n', 'another host')
  assert.notEqual(fromClient(`http://${HOST_IP}:8001/`).status, 0, 'a 127.0.0.1 binding is not reachable from outside')
  // Another container, and the container itself (hairpin), through the host's addresses.
  // (busybox-static's wget crashes on this Debian; a raw request through nc does the same job.)
  const get = (ip: string) => ['sh', '-c', `printf 'GET / HTTP/1.0\\r\\n\\r\\n' | nc -w 2 ${ip} 8000`]
  assert.match(ok(['run', '--rm', 'busybox', ...get(gateway)]), /\r\n\r\npub-page$/)
  assert.match(ok(['exec', 'pub', ...get(HOST_IP)]), /\r\n\r\npub-page$/)

  // No user-space proxy: with berthd frozen, new connections still go through.
  process.kill(d.proc.pid!, 'SIGSTOP')
  try {
    assert.equal(curl('http://127.0.0.1:8000/').stdout, 'pub-page\n')
    assert.equal(fromClient(`http://${HOST_IP}:8000/`).stdout, 'pub-page\n')
  } finally {
    process.kill(d.proc.pid!, 'SIGCONT')
  }
  ok(['rm', '-f', 'pub'])
  assert.notEqual(curl('http://127.0.0.1:8000/').code, 0, 'removed: nothing answers')
  assert.equal(elements(), '')
})

test('-P publishes the exposed ports on ephemeral host ports; ranges map one to one', () => {
  ok(['run', '-d', '--name', 'all', '--expose', '80', '--expose', '81', '-P', 'busybox', 'sh', '-c', SERVE('all-page')])
  const lines = ok(['port', 'all']).split('\n').sort()
  assert.equal(lines.length, 2)
  assert.match(lines[0]!, /^80\/tcp -> 0\.0\.0\.0:\d+$/)
  assert.match(lines[1]!, /^81\/tcp -> 0\.0\.0\.0:\d+$/)
  const port = Number(lines[0]!.split(':').pop())
  assert.ok(port >= 1024)
  assert.equal(until(() => curl(`http://127.0.0.1:${port}/`)), 'all-page\n')
  ok(['rm', '-f', 'all'])

  ok(['run', '-d', '--name', 'range', '-p', '9000-9001:80-81', 'busybox', 'sh', '-c', SERVE('r80')])
  assert.equal(ok(['port', 'range', '81/tcp']), '0.0.0.0:9001')
  assert.equal(until(() => curl('http://127.0.0.1:9000/')), 'r80\n')
  ok(['rm', '-f', 'range'])
})

test('a taken host port is refused and nothing is half-made', () => {
  ok(['run', '-d', '--name', 'holder', '-p', '8500:80', 'busybox', 'sleep', '600'])
  const before = { links: d.host(['ip', '-o', 'link']).stdout.split('\n').length, rules: elements() }
  for (const cli of ['docker', 'berth'] as const) {
    const r = d[cli](['run', '-d', '--name', `taker-${cli}`, '-p', '8500:80', 'busybox', 'sleep', '600'])
    assert.equal(r.code, 125)
    assert.match(r.stderr, /Bind for 0\.0\.0\.0:8500 failed: port is already allocated/)
    assert.equal(ok(['inspect', '-f', '{{.State.Status}}', `taker-${cli}`]), 'created')
    assert.equal(ok(['network', 'inspect', '-f', '{{len .Containers}}', 'bridge']), '1')
  }
  // A host service holding a port is refused the same way.
  const service = d.host(['sh', '-c', 'busybox nc -l -p 8600 </dev/null >/dev/null 2>&1 & echo $!'])
  sleep(200)
  const r = d.docker(['run', '-d', '--name', 'taker-host', '-p', '8600:80', 'busybox', 'sleep', '600'])
  spawnSync('kill', [service.stdout.trim()])
  assert.equal(r.code, 125)
  assert.match(r.stderr, /port is already allocated/)
  assert.equal(d.host(['ip', '-o', 'link']).stdout.split('\n').length, before.links)
  assert.equal(elements(), before.rules)
  ok(['rm', '-f', 'holder', 'taker-docker', 'taker-berth', 'taker-host'])
})

test('next to an engine whose FORWARD policy is DROP, berth accepts what its bridges need and no more', async () => {
  const rules = () => d.host(['iptables', '-w', '-S', 'FORWARD']).stdout
  d.host(['iptables', '-w', '-P', 'FORWARD', 'DROP'])
  try {
    ok(['network', 'create', 'fwd']) // any network change re-reads the neighbour's policy
    assert.match(rules(), /^-A FORWARD -i berth0 -m comment --comment berth -j ACCEPT$/m)
    assert.match(rules(), /^-A FORWARD -o berth0 -m conntrack --ctstate RELATED,ESTABLISHED,DNAT -m comment --comment berth -j ACCEPT$/m)
    ok(['run', '-d', '--name', 'fwdpub', '-p', '8700:80', 'busybox', 'sh', '-c', SERVE('fwd-page')])
    assert.equal(until(() => fromClient(`http://${HOST_IP}:8700/`)), 'fwd-page\n', 'published, from another host')
    // Out to another host (the test's client namespace), masqueraded.
    const listener = spawn('nsenter', [`--net=/run/netns/${client}`, 'busybox', 'nc', '-l', '-p', '7000', '-e', 'echo', 'out-ok'], { stdio: 'ignore' })
    await new Promise((r) => setTimeout(r, 300))
    assert.equal(ok(['exec', 'fwdpub', 'nc', '-w', '2', '198.51.100.3', '7000']), 'out-ok')
    listener.kill()
    ok(['rm', '-f', 'fwdpub'])
    ok(['network', 'rm', 'fwd'])
    assert.doesNotMatch(rules(), /br-/, 'a removed network takes its rules along')
  } finally {
    d.host(['iptables', '-w', '-P', 'FORWARD', 'ACCEPT'])
  }
  ok(['network', 'create', 'fwd2'])
  ok(['network', 'rm', 'fwd2'])
  assert.doesNotMatch(rules(), /berth/, 'with the policy back to ACCEPT, berth keeps nothing there')
})
