// Networking across a daemon crash: SIGKILL berthd with containers running and ports published.
// While it is down the kernel keeps forwarding published traffic; after a restart traffic still
// flows, the embedded DNS server answers again, published ports are still reserved, and a
// container that exited meanwhile has lost its lease and its published port. `rm` then leaves
// nothing behind (cleanup() checks veths and published-port map elements).
import { after, before, test } from 'node:test'
import assert from 'node:assert/strict'
import { setTimeout as sleep } from 'node:timers/promises'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

const NET = 'restore-net'

let d: TestDaemon
before(async () => {
  d = await startDaemon('net-restore')
})
after(async () => {
  await d.cleanup()
})

const ok = (args: string[], cli: 'berth' | 'docker' = 'docker') => {
  const r = d[cli](args)
  assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stdout}${r.stderr}`)
  return r.stdout.trim()
}

/** GET 127.0.0.1:port from the test's "host" (the daemon's namespace). */
const curl = (port: number) => d.host(['curl', '-s', '-m', '3', `http://127.0.0.1:${port}/`])

/** A busybox container serving `body`; `then` runs once the page is written (httpd in the foreground by default). */
const httpd = (body: string, then = 'exec httpd -f -p 80 -h /www') =>
  ['busybox', 'sh', '-c', `mkdir -p /www && echo ${body} > /www/index.html && ${then}`]

/** The IPv4 addresses busybox nslookup printed for the name it was asked. */
const nslookup = (container: string, name: string, cli: 'berth' | 'docker' = 'docker') =>
  ok(['exec', container, 'nslookup', name], cli)
    .split('\n')
    .flatMap((l) => /^Address: (\d+\.\d+\.\d+\.\d+)$/.exec(l)?.[1] ?? [])

const ipOn = (container: string) => ok(['inspect', '-f', `{{(index .NetworkSettings.Networks "${NET}").IPAddress}}`, container])
const membersOf = (net: string) =>
  Object.values(JSON.parse(ok(['network', 'inspect', '-f', '{{json .Containers}}', net])) as Record<string, { Name: string }>)
    .map((c) => c.Name)
    .sort()

test('published ports and DNS survive a daemon SIGKILL; exits while down are released', { timeout: 120_000 }, async () => {
  const netId = ok(['network', 'create', NET])
  // The gateway's MAC must not follow the bridge's ports: when it does, the containers' ARP entry
  // for the gateway goes stale each time one leaves, and their DNS stops answering for seconds.
  const bridgeMac = () => /link\/ether (\S+)/.exec(d.host(['ip', '-o', 'link', 'show', `br-${netId.slice(0, 12)}`]).stdout)?.[1]
  const gatewayMac = bridgeMac()
  assert.ok(gatewayMac)
  // web: published on the default bridge, serving its own hostname.
  ok(['run', '-d', '--name', 'restore-web', '-p', '8080:80', ...httpd('$(hostname)')])
  const webHost = ok(['inspect', '-f', '{{.Config.Hostname}}', 'restore-web'])
  // a and b: find each other by name on the user network (one started through each CLI).
  ok(['run', '-d', '--network', NET, '--name', 'restore-a', 'busybox', 'sleep', '600'])
  ok(['run', '-d', '--network', NET, '--name', 'restore-b', 'busybox', 'sleep', '600'], 'berth')
  // gone: publishes 8081 from the user network; exits 3 once /tmp/go exists (httpd backgrounds
  // itself and dies with the container's pid namespace).
  ok(['run', '-d', '--network', NET, '--name', 'restore-gone', '-p', '8081:80', ...httpd('gone', 'httpd -p 80 -h /www; while [ ! -e /tmp/go ]; do sleep 0.1; done; exit 3')])
  const [ipA, ipB] = [ipOn('restore-a'), ipOn('restore-b')]

  assert.equal(curl(8080).stdout, `${webHost}\n`)
  assert.equal(curl(8081).stdout, 'gone\n')
  assert.deepEqual(nslookup('restore-a', 'restore-b'), [ipB])
  assert.deepEqual(membersOf(NET), ['restore-a', 'restore-b', 'restore-gone'])
  const gonePid = Number(ok(['inspect', '-f', '{{.State.Pid}}', 'restore-gone']))

  await d.kill()
  // The daemon is dead: published traffic is the kernel's DNAT alone.
  const whileDead = curl(8080)
  assert.equal(whileDead.stdout, `${webHost}\n`, `curl while the daemon is down: ${whileDead.stderr}`)
  // gone exits now, with nobody to release its lease and its port.
  assert.equal(d.host(['nsenter', '-t', String(gonePid), '-m', 'touch', '/tmp/go']).code, 0)
  for (let i = 0; i < 100 && isAlive(gonePid); i++) await sleep(50)
  assert.equal(isAlive(gonePid), false, 'restore-gone did not exit')

  await d.restart()
  assert.equal(curl(8080).stdout, `${webHost}\n`)
  assert.deepEqual(nslookup('restore-a', 'restore-b'), [ipB])
  assert.deepEqual(nslookup('restore-b', 'restore-a', 'berth'), [ipA])
  assert.equal(ok(['inspect', '-f', '{{.State.Status}} {{.State.ExitCode}}', 'restore-gone'], 'berth'), 'exited 3')

  // 8080 is still held for restore-web: Docker's words, `run`'s exit code 125.
  const dup = d.docker(['run', '-d', '--name', 'restore-dup', '-p', '8080:80', 'busybox', 'sleep', '600'])
  assert.equal(dup.code, 125)
  assert.match(dup.stderr, /Bind for 0\.0\.0\.0:8080 failed: port is already allocated/)
  assert.equal(curl(8080).stdout, `${webHost}\n`)

  // restore-gone's lease and port were released at restart: the network no longer lists it, its
  // port answers nothing and its forwarding entry is gone...
  assert.deepEqual(membersOf(NET), ['restore-a', 'restore-b'])
  assert.equal(bridgeMac(), gatewayMac)
  const deadPort = curl(8081)
  assert.notEqual(deadPort.code, 0)
  assert.equal(deadPort.stdout, '')
  const pubAny = d.host(['nft', 'list', 'map', 'ip', 'berth', 'pub_any']).stdout
  assert.match(pubAny, /tcp \. 8080 : /)
  assert.doesNotMatch(pubAny, /8081/)
  // ...so another container can take 8081.
  ok(['run', '-d', '--name', 'restore-reuse', '-p', '8081:80', ...httpd('reused')], 'berth')
  assert.equal(curl(8081).stdout, 'reused\n')

  ok(['rm', '-f', 'restore-web', 'restore-a', 'restore-dup'])
  ok(['rm', '-f', 'restore-b', 'restore-gone', 'restore-reuse'], 'berth')
  assert.deepEqual(membersOf(NET), [])
  assert.equal(curl(8080).stdout, '')
  ok(['network', 'rm', NET], 'berth')
})

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
