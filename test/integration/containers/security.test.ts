// Default hardening and every opt-out, observed from inside real containers.
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync, readFileSync } from 'node:fs'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

let d: TestDaemon
before(async () => {
  d = await startDaemon('sec')
})
after(async () => {
  await d.cleanup()
})

const sh = (flags: string[], script: string) => {
  const r = d.berth(['run', '--rm', ...flags, 'busybox', 'sh', '-c', script])
  return { ...r, out: r.stdout.trim() }
}
const capEff = (flags: string[]) => BigInt('0x' + sh(flags, 'grep CapEff /proc/self/status').out.split(/\s+/)[1])
// A host block device that root can open on any machine (reading the real disk is refused in
// some VMs even to root): the first loop device, opened but never read.
const LOOP0 = '7 0'
const CAP_SYS_ADMIN = 21n
const CAP_SYS_MODULE = 16n
const CAP_NET_ADMIN = 12n
const has = (mask: bigint, bit: bigint) => (mask >> bit) & 1n

describe('default containers', () => {
  test('cannot mount', () => {
    const r = sh([], 'mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && echo mounted || echo refused')
    assert.equal(r.out.split('\n').pop(), 'refused')
  })

  test('cannot open a host device even after mknod (device cgroup)', () => {
    // mknod is allowed (CAP_MKNOD) but the device cgroup denies opening the node
    const r = sh([], `mknod /tmp/dev b ${LOOP0} && ((exec 3< /tmp/dev) 2>/dev/null && echo opened || echo denied)`)
    assert.equal(r.out, 'denied', r.stderr)
    assert.equal(sh([], 'ls /dev').out.split(/\s+/).includes('sda'), false)
  })

  test('/proc/sys and /proc/sysrq-trigger are read-only, masked paths are empty', () => {
    const r = sh([], 'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo wrote || echo refused')
    assert.equal(r.out, 'refused')
    if (existsSync('/proc/sysrq-trigger')) {
      assert.equal(sh([], 'echo h > /proc/sysrq-trigger 2>/dev/null && echo wrote || echo refused').out, 'refused')
    } else {
      process.stdout.write('# /proc/sysrq-trigger does not exist on this kernel; /proc/sys checked instead\n')
    }
    assert.equal(sh([], 'wc -c < /proc/keys').out, '0')
  })

  test('has Docker’s default capabilities: no SYS_ADMIN, no SYS_MODULE (cannot load modules), no NET_ADMIN', () => {
    const eff = capEff([])
    assert.equal(eff, 0xa80425fbn)
    assert.equal(has(eff, CAP_SYS_MODULE), 0n)
    assert.equal(has(eff, CAP_SYS_ADMIN), 0n)
  })

  test('runs under seccomp and cannot see host processes', () => {
    assert.equal(sh([], 'grep Seccomp: /proc/self/status').out, 'Seccomp:\t2')
    const ps = sh([], 'ps -o pid').out.split('\n').slice(1).map(Number)
    assert.ok(ps.every((p) => p < 10), `container sees pids ${ps}`)
  })
})

describe('opt-outs', () => {
  test('--privileged: mount works, devices open, every capability the daemon holds', () => {
    assert.equal(sh(['--privileged'], 'mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && echo mounted').out, 'mounted')
    assert.equal(sh(['--privileged'], `mknod /tmp/dev b ${LOOP0} && ((exec 3< /tmp/dev) && echo opened || echo denied)`).out, 'opened')
    assert.equal(sh(['--privileged'], 'grep Seccomp: /proc/self/status').out, 'Seccomp:\t0')
    const bnd = BigInt('0x' + readFileSync('/proc/self/status', 'utf8').match(/CapBnd:\s+([0-9a-f]+)/)![1])
    assert.equal(capEff(['--privileged']), bnd)
  })

  test('--cap-add / --cap-drop', () => {
    assert.equal(has(capEff(['--cap-add', 'NET_ADMIN']), CAP_NET_ADMIN), 1n)
    assert.equal(has(capEff(['--cap-drop', 'CHOWN']), 0n), 0n)
    assert.equal(capEff(['--cap-drop', 'ALL']), 0n)
    assert.equal(sh(['--cap-add', 'SYS_ADMIN'], 'mkdir -p /mnt/x && mount -t tmpfs none /mnt/x && echo mounted').out, 'mounted')
  })

  test('--security-opt seccomp=unconfined and no-new-privileges', () => {
    assert.equal(sh(['--security-opt', 'seccomp=unconfined'], 'grep Seccomp: /proc/self/status').out, 'Seccomp:\t0')
    assert.equal(sh(['--security-opt', 'no-new-privileges'], 'grep NoNewPrivs /proc/self/status').out, 'NoNewPrivs:\t1')
    assert.equal(sh([], 'grep NoNewPrivs /proc/self/status').out, 'NoNewPrivs:\t0')
  })

  test('--read-only root filesystem', () => {
    assert.equal(sh(['--read-only'], 'touch /x 2>/dev/null && echo wrote || echo refused').out, 'refused')
    assert.equal(sh(['--read-only'], 'touch /tmp/x 2>/dev/null && echo wrote || echo refused').out, 'refused')
  })

  test('--pid host sees host processes', () => {
    assert.ok(Number(sh(['--pid', 'host'], 'ps -o pid | wc -l').out) > 10)
  })
})

describe('limits', () => {
  test('--pids-limit 20 stops a fork bomb', () => {
    // A child shell tries 40 background children and dies at the limit; PID 1 survives and
    // reports with builtins only (no fork left).
    const r = sh(['--pids-limit', '20'], 'sh -c "for i in \\$(seq 1 40); do sleep 5 & done" 2>/dev/null; read max < /sys/fs/cgroup/pids/pids.max; read cur < /sys/fs/cgroup/pids/pids.current; echo $max $cur; kill -9 -1')
    const [max, current] = r.out.split(' ').map(Number)
    assert.equal(max, 20, r.out + r.stderr)
    assert.ok(current! <= 20 && current! >= 15, r.out)
  })

  test('--memory 32m shows in the container cgroup', () => {
    assert.equal(sh(['--memory', '32m'], 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes').out, String(32 * 1024 * 1024))
  })

  test('--cpus and --ulimit', () => {
    assert.equal(sh(['--cpus', '0.5'], 'cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu/cpu.cfs_period_us').out, '50000\n100000')
    assert.equal(sh(['--ulimit', 'nofile=512:1024'], 'ulimit -n; ulimit -Hn').out, '512\n1024')
    const tooHigh = d.berth(['run', '--rm', '--ulimit', 'nofile=1048576', 'busybox', 'true'])
    assert.notEqual(tooHigh.code, 0)
    assert.match(tooHigh.stderr, /nofile/)
  })
})
