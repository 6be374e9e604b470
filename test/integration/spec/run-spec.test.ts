// Integration: a spec from buildSpec, run by the real runc on a busybox rootfs. Needs root, runc
// at /usr/sbin/runc and a static /bin/busybox. Each test derives its runc root, bundle and
// container id from its name, and removes them and the cgroup dirs it created afterwards.

import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { access, mkdir, mkdtemp, readdir, rm, rmdir, symlink, writeFile, copyFile, chmod } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { run } from '../../../src/sys/exec.js'
import { buildSpec, type SpecInput } from '../../../src/runtime/spec/build.js'
import { serializeSpec } from '../../../src/runtime/spec/serialize.js'
import { boundingCaps, hardLimits, hostDevices, kernelRelease, loadDefaultSeccomp } from '../../../src/runtime/spec/host.js'
import { resolveUser } from '../../../src/runtime/spec/user.js'
import { capabilityMask } from '../../../src/runtime/spec/capabilities.js'

const RUNC = '/usr/sbin/runc'
const BUSYBOX = '/bin/busybox'
const TINI = '/usr/bin/tini-static'
const CGROUP_PARENT = 'berth-test-spec'

let dir = ''
let rootfs = ''
let host: { caps: string[]; limits: Awaited<ReturnType<typeof hardLimits>>; profile: unknown; kernel: string }

before(async () => {
  assert.equal(process.getuid?.(), 0, 'precondition: these tests run runc and must run as root')
  for (const p of [RUNC, BUSYBOX]) await access(p).catch(() => assert.fail(`precondition: ${p} is missing`))
  dir = await mkdtemp(join(tmpdir(), 'berth-spec-it-'))
  rootfs = join(dir, 'rootfs')
  await makeBusyboxRootfs(rootfs)
  host = { caps: await boundingCaps(), limits: await hardLimits(), profile: await loadDefaultSeccomp(), kernel: kernelRelease() }
})

after(async () => {
  if (dir) await rm(dir, { recursive: true, force: true })
  await removeCgroupParent()
})

async function makeBusyboxRootfs(root: string): Promise<void> {
  for (const d of ['bin', 'etc', 'proc', 'sys', 'dev', 'mnt', 'tmp', 'sbin']) await mkdir(join(root, d), { recursive: true })
  await copyFile(BUSYBOX, join(root, 'bin/busybox'))
  await chmod(join(root, 'bin/busybox'), 0o755)
  const applets = (await run(BUSYBOX, ['--list'])).stdout.split('\n').filter((a) => a && a !== 'busybox')
  for (const a of applets) await symlink('busybox', join(root, 'bin', a))
  await writeFile(join(root, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n')
  await writeFile(join(root, 'etc/group'), 'root:x:0:\nwheel:x:10:root\nnogroup:x:65534:\n')
}

async function removeCgroupParent(): Promise<void> {
  for (const ctrl of await readdir('/sys/fs/cgroup').catch(() => [] as string[])) {
    await rmdir(join('/sys/fs/cgroup', ctrl, CGROUP_PARENT)).catch(() => undefined)
  }
}

/** Builds the spec, runs it in the foreground, deletes it; returns what the container printed. */
async function runContainer(name: string, script: string, over: Partial<SpecInput> = {}): Promise<{ code: number; out: string; err: string }> {
  const id = `berth-spec-${name}`
  const bundle = join(dir, name)
  const runcRoot = join(dir, `${name}-runc`)
  await mkdir(bundle, { recursive: true })
  const etc = { hostname: join(bundle, 'hostname'), hosts: join(bundle, 'hosts'), resolvConf: join(bundle, 'resolv.conf') }
  await writeFile(etc.hostname, `${name}\n`)
  await writeFile(etc.hosts, `127.0.0.1 localhost\n`)
  await writeFile(etc.resolvConf, `nameserver 127.0.0.53\n`)
  const input: SpecInput = {
    id, rootfs, readonlyRootfs: false, args: ['/bin/sh', '-c', script], env: ['PATH=/bin:/sbin'], cwd: '/',
    user: await resolveUser(rootfs, ''), terminal: false, hostname: name, domainname: '',
    namespaces: {
      pid: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'private' },
      network: { mode: 'none' }, cgroup: { mode: 'host' }, user: { mode: 'host' },
    },
    etcFiles: etc, shmSize: 64 * 1024 * 1024, privileged: false, capAdd: [], capDrop: [],
    boundingCaps: host.caps, seccomp: 'default', defaultSeccompProfile: host.profile, kernelRelease: host.kernel,
    noNewPrivileges: false, resources: { pidsLimit: 20, memory: 64 * 1024 * 1024 }, ulimits: [{ name: 'nofile', soft: 512, hard: 1024 }],
    hardLimits: host.limits, cgroupsPath: `/${CGROUP_PARENT}/${id}`,
    ...over,
  }
  await writeFile(join(bundle, 'config.json'), serializeSpec(buildSpec(input)))
  try {
    const r = await run(RUNC, ['--root', runcRoot, 'run', '--bundle', bundle, id])
    return { code: r.code, out: r.stdout, err: r.stderr }
  } finally {
    await run(RUNC, ['--root', runcRoot, 'delete', '-f', id])
    for (const ctrl of ['pids', 'memory', 'cpu']) {
      await access(join('/sys/fs/cgroup', ctrl, CGROUP_PARENT, id)).then(
        () => assert.fail(`cgroup ${ctrl}/${CGROUP_PARENT}/${id} leaked`),
        () => undefined,
      )
    }
  }
}

/** Runs `cmd`, prints "<label>=<output or exit status>" lines for the assertions. */
const probe = (label: string, cmd: string) => `v=$( { ${cmd}; } 2>&1 ); rc=$?; echo "${label}="$v" rc:$rc";`

test('unprivileged container has Docker’s defaults', async () => {
  const script = [
    probe('id', 'id'),
    probe('capeff', "grep CapEff /proc/self/status | cut -f2"),
    probe('seccomp', "grep '^Seccomp:' /proc/self/status | cut -f2"),
    probe('mount', 'mount -t tmpfs x /mnt'),
    // This kernel has no /proc/sysrq-trigger; /proc/sys is on the same read-only list.
    probe('procsys', 'echo x > /proc/sys/kernel/hostname'),
    probe('pids', 'cat /sys/fs/cgroup/pids/pids.max'),
    probe('mem', 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes'),
    probe('nofile', 'ulimit -Hn'),
    probe('hostname', 'hostname'),
    probe('firmware', 'ls -A /sys/firmware | wc -l'),
    probe('keys', 'wc -c < /proc/keys'),
    probe('shm', "df -k /dev/shm | tail -1 | awk '{print $2}'"),
    probe('ifaces', 'ls /sys/class/net'),
  ].join('\n')
  const r = await runContainer('defaults', script)
  assert.equal(r.code, 0, r.err)
  const got = Object.fromEntries(r.out.trim().split("\n").map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]))
  const want = capabilityMask(['CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW', 'CAP_SETGID',
    'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE', 'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE']).toString(16).padStart(16, '0')
  assert.equal(want, '00000000a80425fb')
  assert.deepEqual(got, {
    id: 'uid=0(root) gid=0(root) groups=0(root),10(wheel) rc:0',
    capeff: `${want} rc:0`,
    seccomp: '2 rc:0',
    mount: 'mount: permission denied (are you root?) rc:1',
    procsys: "/bin/sh: can't create /proc/sys/kernel/hostname: Read-only file system rc:1",
    pids: '20 rc:0',
    mem: '67108864 rc:0',
    nofile: '1024 rc:0',
    hostname: 'defaults rc:0',
    firmware: '0 rc:0',
    keys: '0 rc:0',
    shm: '65536 rc:0',
    ifaces: 'lo rc:0',
  })
})

test('privileged container with --init', async () => {
  const script = [
    probe('capeff', "grep CapEff /proc/self/status | cut -f2"),
    probe('seccomp', "grep '^Seccomp:' /proc/self/status | cut -f2"),
    probe('mount', 'mount -t tmpfs x /mnt && umount /mnt'),
    probe('init', "tr '\\0' ' ' < /proc/1/cmdline"),
    probe('null', 'ls -l /dev/null | cut -c1'),
  ].join('\n')
  const r = await runContainer('privileged', script, {
    privileged: true, hostDevices: await hostDevices(), init: { hostPath: TINI }, resources: {}, ulimits: [],
  })
  assert.equal(r.code, 0, r.err)
  const lines = r.out.trim()
  assert.match(lines, new RegExp(`capeff=${capabilityMask(host.caps).toString(16).padStart(16, '0')} rc:0`))
  assert.match(lines, /seccomp=0 rc:0/)
  assert.match(lines, /mount= rc:0/)
  assert.match(lines, /init=\/sbin\/docker-init -- \/bin\/sh -c /)
  assert.match(lines, /null=c rc:0/)
})

test('shared UTS namespace: no hostname in the spec, host’s name inside', async () => {
  const r = await runContainer('hostuts', 'hostname', { hostname: 'ignored', namespaces: {
    pid: { mode: 'private' }, ipc: { mode: 'private' }, uts: { mode: 'host' },
    network: { mode: 'none' }, cgroup: { mode: 'host' }, user: { mode: 'host' },
  } })
  assert.equal(r.code, 0, r.err)
  assert.equal(r.out.trim(), (await run('/bin/hostname', [])).stdout.trim())
})
