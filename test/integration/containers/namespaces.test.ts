// Every namespace mode, checked by comparing /proc/<pid>/ns/* inodes on the host: host mode =
// the host's inode, container:X = X's, private = a new one. exec joins all of them and the cgroup.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, readlinkSync, statSync } from 'node:fs'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('ns')
})
after(async () => {
  await d.cleanup()
})

const ns = (pid: number | 'self', type: string) => readlinkSync(`/proc/${pid}/ns/${type}`)
const SLEEP = ['busybox', 'sleep', '300']
/** The "host" of a test daemon is the test process's host, except for the network: the daemon runs in its own. */
const hostNs = (type: string) => (type === 'net' ? `net:[${statSync(`/run/netns/${d.netns}`).ino}]` : ns('self', type))

for (const cli of ['berth', 'docker'] as const) {
  describe(`namespaces via ${cli}`, () => {
    const run = (args: string[]) => {
      const r = d[cli](args)
      assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`)
      return r.stdout.trim()
    }
    const pidOf = (ref: string) => Number(run(['inspect', '-f', '{{.State.Pid}}', ref]))
    const started: string[] = []
    const start = (name: string, flags: string[]) => {
      started.push(name)
      run(['run', '-d', '--name', `${name}-${cli}`, ...flags, ...SLEEP])
      return pidOf(`${name}-${cli}`)
    }
    after(() => {
      d[cli](['rm', '-f', ...started.map((n) => `${n}-${cli}`)])
    })

    test('private by default: new pid, ipc, uts, net, mnt, cgroup namespaces', () => {
      const pid = start('priv', [])
      for (const t of ['pid', 'ipc', 'uts', 'net', 'mnt', 'cgroup']) assert.notEqual(ns(pid, t), hostNs(t), t)
      assert.equal(ns(pid, 'user'), ns('self', 'user'))
      assert.equal(run(['inspect', '-f', '{{.HostConfig.PidMode}}|{{.HostConfig.IpcMode}}|{{.HostConfig.NetworkMode}}', `priv-${cli}`]), '|private|bridge')
    })

    test('host modes share the host namespaces', () => {
      const pid = start('host', ['--pid', 'host', '--ipc', 'host', '--uts', 'host', '--network', 'host', '--cgroupns', 'host', '--userns', 'host'])
      for (const t of ['pid', 'ipc', 'uts', 'net', 'cgroup', 'user']) assert.equal(ns(pid, t), hostNs(t), t)
      assert.equal(ns(pid, 'mnt') === ns('self', 'mnt'), false)
      assert.equal(run(['inspect', '-f', '{{.HostConfig.PidMode}} {{.HostConfig.IpcMode}} {{.HostConfig.UTSMode}} {{.HostConfig.NetworkMode}}', `host-${cli}`]), 'host host host host')
      // the host's PID 1 is visible
      assert.match(run(['exec', `host-${cli}`, 'cat', '/proc/1/comm']), /\S/)
    })

    test('container:X joins X', () => {
      const owner = start('owner', ['--ipc', 'shareable'])
      const joiner = start('joiner', ['--pid', `container:owner-${cli}`, '--ipc', `container:owner-${cli}`, '--network', `container:owner-${cli}`])
      for (const t of ['pid', 'ipc', 'net']) assert.equal(ns(joiner, t), ns(owner, t), t)
      assert.notEqual(ns(joiner, 'mnt'), ns(owner, 'mnt'))
      assert.notEqual(ns(joiner, 'uts'), ns(owner, 'uts'))
      // both processes in one pid namespace
      const ps = run(['exec', `joiner-${cli}`, 'ps', '-o', 'pid,args'])
      assert.equal(ps.split('\n').filter((l) => l.includes('sleep 300')).length, 2)
    })

    test('joining a stopped container is refused clearly', () => {
      run(['create', '--name', `stopped-${cli}`, ...SLEEP])
      started.push('stopped')
      const r = d[cli](['run', '--rm', '--network', `container:stopped-${cli}`, 'busybox', 'true'])
      assert.notEqual(r.code, 0)
      assert.match(r.stderr, /non running container/)
    })

    test('--hostname with --network container:X is refused as Docker refuses it', () => {
      const r = d[cli](['run', '--rm', '--network', `container:owner-${cli}`, '--hostname', 'x', 'busybox', 'true'])
      assert.equal(r.code, 125)
      assert.match(r.stderr, /conflicting options: hostname and the network mode/)
    })

    test('--ipc none and --network none still get private namespaces', () => {
      const pid = start('none', ['--ipc', 'none', '--network', 'none'])
      assert.notEqual(ns(pid, 'ipc'), ns('self', 'ipc'))
      assert.notEqual(ns(pid, 'net'), ns('self', 'net'))
      assert.equal(run(['exec', `none-${cli}`, 'sh', '-c', 'ls /sys/class/net']), 'lo')
    })

    test('exec joins every namespace and the cgroup of the container', () => {
      const pid = start('execns', [])
      const out = run(['exec', `execns-${cli}`, 'sh', '-c', 'for t in pid ipc uts net mnt cgroup; do readlink /proc/self/ns/$t; done; cat /proc/self/cgroup'])
      const lines = out.split('\n')
      // inside a private cgroup namespace paths are relative; compare against PID 1 seen from inside
      const inside1 = run(['exec', `execns-${cli}`, 'sh', '-c', 'for t in pid ipc uts net mnt cgroup; do readlink /proc/1/ns/$t; done; cat /proc/1/cgroup'])
      assert.deepEqual(lines, inside1.split('\n'))
      assert.deepEqual(lines.slice(0, 6), ['pid', 'ipc', 'uts', 'net', 'mnt', 'cgroup'].map((t) => ns(pid, t)))
      const hostCgroup = readFileSync(`/proc/${pid}/cgroup`, 'utf8')
      assert.match(hostCgroup, /berth/)
    })
  })
}
