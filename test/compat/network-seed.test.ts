// The networking seed scenarios (MISSION §5), run through berth and through the real docker CLI:
// a shared network namespace behind published ports, a container on two networks, DNS scoped to
// networks, and legacy links.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readlinkSync } from 'node:fs'
import { startDaemon, type TestDaemon } from '../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('net-seed')
})
after(async () => {
  await d.cleanup()
})

const sleep = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms)

/** Polls a command in the daemon's namespace until it succeeds (a server needs a moment to listen). */
function hostUntil(argv: string[]): string {
  for (let i = 0; i < 50; i++) {
    const r = d.host(argv)
    if (r.code === 0) return r.stdout
    sleep(100)
  }
  throw new Error(`never succeeded: ${argv.join(' ')}`)
}

const SERVE = (port: number) => `mkdir -p /www && hostname > /www/index.html && exec httpd -f -p ${port} -h /www`

for (const [cli, ports] of [['berth', [8000, 8001]], ['docker', [8100, 8101]]] as const) {
  describe(`network seeds via ${cli}`, () => {
    const n = (name: string) => `${name}-${cli}`
    const ok = (args: string[]) => {
      const r = d[cli](args)
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}: ${r.stderr}`)
      return r.stdout
    }
    const [pa, pb] = ports

    test('two containers in one network namespace behind two published ports', () => {
      ok(['run', '-d', '--name', n('web1'), '-p', `${pa}:${pa}`, '-p', `${pb}:${pb}`, 'busybox', 'sh', '-c', SERVE(pa)])
      ok(['run', '-d', '--name', n('web2'), '--network', `container:${n('web1')}`, 'busybox', 'sh', '-c', SERVE(pb)])
      const hostname = ok(['inspect', '-f', '{{.Config.Hostname}}', n('web1')])
      assert.equal(hostUntil(['curl', '-sf', '-m', '3', `http://127.0.0.1:${pa}/`]), hostname)
      assert.equal(hostUntil(['curl', '-sf', '-m', '3', `http://127.0.0.1:${pb}/`]), hostname)

      const addr = (c: string) => ok(['exec', c, 'ip', '-o', '-4', 'addr', 'show', 'eth0']).split(/\s+/)[3]
      assert.match(addr(n('web1'))!, /^172\.17\.\d+\.\d+\/16$/)
      assert.equal(addr(n('web2')), addr(n('web1')))
      const netns = (c: string) => readlinkSync(`/proc/${ok(['inspect', '-f', '{{.State.Pid}}', c]).trim()}/ns/net`)
      assert.equal(netns(n('web2')), netns(n('web1')))

      ok(['exec', n('web1'), 'touch', '/only-in-web1'])
      assert.notEqual(d[cli](['exec', n('web2'), 'ls', '/only-in-web1']).code, 0, 'filesystems are separate')
      ok(['rm', '-f', n('web2'), n('web1')])
    })

    test('a container on two networks has an interface in each subnet; names resolve only within a network', () => {
      ok(['network', 'create', n('backend')])
      ok(['network', 'create', n('frontend')])
      ok(['run', '-d', '--name', n('app'), '--network', n('backend'), 'busybox', 'sleep', '600'])
      ok(['network', 'connect', n('frontend'), n('app')])
      ok(['run', '-d', '--name', n('db'), '--network', n('backend'), 'busybox', 'sleep', '600'])
      ok(['run', '-d', '--name', n('web'), '--network', n('frontend'), 'busybox', 'sleep', '600'])

      const subnet = (net: string) => ok(['network', 'inspect', '-f', '{{(index .IPAM.Config 0).Subnet}}', net]).trim()
      const prefix = (cidr: string) => cidr.split('.').slice(0, 2).join('.') + '.'
      const ifaces = ok(['exec', n('app'), 'ip', '-o', '-4', 'addr']).split('\n').filter((l) => /eth\d/.test(l))
      const byName = Object.fromEntries(ifaces.map((l) => [l.split(/\s+/)[1], l.split(/\s+/)[3]]))
      assert.ok(byName.eth0?.startsWith(prefix(subnet(n('backend')))), `eth0 in backend: ${ifaces.join('; ')}`)
      assert.ok(byName.eth1?.startsWith(prefix(subnet(n('frontend')))), `eth1 in frontend: ${ifaces.join('; ')}`)

      const resolves = (from: string, name: string) => d[cli](['exec', n(from), 'nslookup', n(name)]).code === 0
      assert.ok(resolves('app', 'db'), 'app resolves db (backend)')
      assert.ok(resolves('app', 'web'), 'app resolves web (frontend)')
      assert.ok(resolves('db', 'app'), 'db resolves app')
      assert.ok(!resolves('db', 'web'), 'db does not resolve web: another network')
      assert.ok(!resolves('web', 'db'), 'web does not resolve db: another network')
      // The default bridge has no DNS by name, as in Docker.
      ok(['run', '-d', '--name', n('plain'), 'busybox', 'sleep', '600'])
      assert.doesNotMatch(ok(['exec', n('plain'), 'cat', '/etc/resolv.conf']), /nameserver 172\./)

      ok(['rm', '-f', n('app'), n('db'), n('web'), n('plain')])
      ok(['network', 'rm', n('backend'), n('frontend')])
    })

    test('--link on a user network: accepted before its target exists, an alias only the linker sees', () => {
      ok(['network', 'create', n('ln')])
      ok(['run', '-d', '--name', n('linker'), '--network', n('ln'), '--link', `${n('later')}:db`, 'busybox', 'sleep', '600'])
      assert.notEqual(d[cli](['exec', n('linker'), 'nslookup', 'db']).code, 0, 'nothing to resolve yet')
      ok(['run', '-d', '--name', n('later'), '--network', n('ln'), 'busybox', 'sleep', '600'])
      const ip = ok(['inspect', '-f', `{{(index .NetworkSettings.Networks "${n('ln')}").IPAddress}}`, n('later')]).trim()
      assert.match(ok(['exec', n('linker'), 'nslookup', 'db']), new RegExp(`Address: ${ip.replace(/\./g, '\\.')}`))
      ok(['run', '-d', '--name', n('other'), '--network', n('ln'), 'busybox', 'sleep', '600'])
      assert.notEqual(d[cli](['exec', n('other'), 'nslookup', 'db']).code, 0, 'the alias is the linker\'s own')
      ok(['rm', '-f', n('linker'), n('later'), n('other')])
      ok(['network', 'rm', n('ln')])
    })

    test('legacy links give variables and a hosts entry, updated when the target comes back elsewhere', () => {
      ok(['run', '-d', '--name', n('ldb'), '-e', 'SECRET=s3', '--expose', '5432', 'busybox', 'sleep', '600'])
      const ip = () => ok(['inspect', '-f', '{{.NetworkSettings.IPAddress}}', n('ldb')]).trim()
      const first = ip()
      const env = ok(['run', '--rm', '--link', `${n('ldb')}:db`, 'busybox', 'env'])
      assert.match(env, new RegExp(`^DB_PORT_5432_TCP_ADDR=${first.replace(/\./g, '\\.')}$`, 'm'))
      assert.match(env, /^DB_PORT_5432_TCP_PORT=5432$/m)
      assert.match(env, /^DB_PORT_5432_TCP_PROTO=tcp$/m)
      assert.match(env, new RegExp(`^DB_PORT=tcp://${first.replace(/\./g, '\\.')}:5432$`, 'm'))
      assert.match(env, /^DB_NAME=\/[^/]+\/db$/m)
      assert.match(env, /^DB_ENV_SECRET=s3$/m)

      ok(['run', '-d', '--name', n('lweb'), '--link', `${n('ldb')}:db`, 'busybox', 'sleep', '600'])
      assert.match(ok(['exec', n('lweb'), 'cat', '/etc/hosts']), new RegExp(`^${first.replace(/\./g, '\\.')}\\tdb [0-9a-f]{12} ${n('ldb')}$`, 'm'))
      // The target comes back with another address (a newcomer took the old one meanwhile).
      ok(['stop', '-t', '0', n('ldb')])
      ok(['run', '-d', '--name', n('filler'), 'busybox', 'sleep', '600'])
      ok(['start', n('ldb')])
      const second = ip()
      assert.notEqual(second, first)
      assert.match(ok(['exec', n('lweb'), 'cat', '/etc/hosts']), new RegExp(`^${second.replace(/\./g, '\\.')}\\tdb `, 'm'))

      const stopped = d[cli](['run', '--rm', '--link', 'no-such-container:db', 'busybox', 'true'])
      assert.equal(stopped.code, 125)
      ok(['rm', '-f', n('lweb'), n('ldb'), n('filler')])
    })
  })
}
