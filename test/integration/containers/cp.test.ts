// `cp` both ways through both CLIs, on a running and a stopped container: files, directories,
// `dir/.`, tar on stdin/stdout, -a, -L, Docker's errors, and symlinks that point at host paths
// (they must resolve inside the container's root, never on the host).
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { chownSync, copyFileSync, existsSync, linkSync, lstatSync, mkdirSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { BERTH, startDaemon, type RunResult, type TestDaemon } from '../../helpers/daemon.js'
import { getXattr, setXattr } from '../../../src/sys/ffi.js'

let d: TestDaemon
let work: string
// The container's files: a directory, a file owned by 1234:5678, links out to "/etc" three ways.
const SETUP = [
  'mkdir -p /d/sub', 'echo hi > /d/f', 'echo s > /d/sub/g', 'chown 1234:5678 /d/f', 'ln /d/f /d/hl', 'chmod 0741 /d/sub/g',
  'echo container-passwd > /etc/passwd', 'ln -s /etc /link', 'ln -s ../../../../../../etc /up', 'ln -s /d/f /lf',
].join(' && ')

before(async () => {
  d = await startDaemon('cp')
  work = join(d.dir, 'work')
  mkdirSync(work)
  ok(d.berth(['run', '-d', '--name', 'cp-run', 'busybox', 'sh', '-c', `${SETUP} && touch /ready && exec sleep 1000`]))
  for (let i = 0; i < 100 && d.berth(['exec', 'cp-run', 'test', '-f', '/ready']).code !== 0; i++) spawnSync('sleep', ['0.05'])
  ok(d.berth(['run', '--name', 'cp-stop', 'busybox', 'sh', '-c', SETUP]))
})
after(async () => {
  await d.cleanup()
})

function ok(r: RunResult): RunResult {
  assert.equal(r.code, 0, `exit ${r.code}: ${r.stderr}`)
  return r
}

type Cli = 'docker' | 'berth'
const cli = (c: Cli, args: string[], input?: string) => (c === 'docker' ? d.docker(args, { input }) : d.berth(args, { input }))
let n = 0
const fresh = (label: string) => join(work, `${label}-${n++}`)

/** A file of the container read back through cp to stdout (works while stopped too). */
function catInside(c: Cli, ctr: string, path: string): string {
  const tarText = ok(cli(c, ['cp', `${ctr}:${path}`, '-'])).stdout
  return ok({ ...spawnSync('tar', ['-xOf', '-'], { input: tarText, encoding: 'utf8' }), code: 0 } as RunResult).stdout
}

/** `tar -tv` of what cp writes to stdout: "mode uid/gid name" per entry. */
function listing(c: Cli, ctr: string, path: string): string[] {
  const tarText = ok(cli(c, ['cp', `${ctr}:${path}`, '-'])).stdout
  const r = spawnSync('tar', ['-tvf', '-', '--numeric-owner'], { input: tarText, encoding: 'utf8' })
  return r.stdout.trim().split('\n').map((l) => { const f = l.split(/\s+/); return `${f[0]} ${f[1]} ${f[f.length - 1]}` })
}

const mergedMounted = (name: string) => {
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', name])).stdout.trim()
  return readFileSync('/proc/self/mountinfo', 'utf8').includes(`/containers/${id}/merged`)
}

for (const c of ['docker', 'berth'] as const) {
  for (const ctr of ['cp-run', 'cp-stop']) {
    describe(`${c} cp, ${ctr === 'cp-run' ? 'running' : 'stopped'} container`, () => {
      test('a directory to a new host path, and its contents into an existing one with dir/.', () => {
        const out = fresh('dir')
        ok(cli(c, ['cp', `${ctr}:/d`, out]))
        assert.equal(readFileSync(join(out, 'f'), 'utf8'), 'hi\n')
        assert.equal(readFileSync(join(out, 'sub/g'), 'utf8'), 's\n')
        // a hard link stays one (docker's CopyTo), modes are kept exactly
        assert.equal(statSync(join(out, 'hl')).ino, statSync(join(out, 'f')).ino)
        assert.equal(statSync(join(out, 'sub/g')).mode & 0o7777, 0o741)
        const into = fresh('into')
        mkdirSync(into)
        ok(cli(c, ['cp', `${ctr}:/d/.`, into]))
        assert.equal(readFileSync(join(into, 'sub/g'), 'utf8'), 's\n')
        assert.equal(existsSync(join(into, 'd')), false)
      })

      test('a file to the host; a host file and a host directory into the container', () => {
        const out = fresh('file')
        ok(cli(c, ['cp', `${ctr}:/d/f`, out]))
        assert.equal(readFileSync(out, 'utf8'), 'hi\n')
        const src = fresh('src')
        writeFileSync(src, 'from host\n')
        ok(cli(c, ['cp', src, `${ctr}:/copied-${c}`]))
        assert.equal(catInside(c, ctr, `/copied-${c}`), 'from host\n')
        const dir = fresh('srcdir')
        mkdirSync(join(dir, 'in'), { recursive: true })
        writeFileSync(join(dir, 'in/x'), 'x\n')
        linkSync(join(dir, 'in/x'), join(dir, 'in/y'))
        ok(cli(c, ['cp', dir, `${ctr}:/d/sub`]))
        assert.equal(catInside(c, ctr, `/d/sub/${dir.split('/').pop()}/in/x`), 'x\n')
        // the hard link arrives as one (tar lists the second name as a link to the first)
        assert.ok(listing(c, ctr, `/d/sub/${dir.split('/').pop()}/in`).some((l) => l.startsWith('h')), 'a hard link entry')
      })

      test('- streams a tar both ways', () => {
        const tarText = ok(cli(c, ['cp', `${ctr}:/d/sub`, '-'])).stdout
        assert.deepEqual(spawnSync('tar', ['-tf', '-'], { input: tarText, encoding: 'utf8' }).stdout.trim().split('\n').slice(0, 2), ['sub/', 'sub/g'])
        const dir = fresh('tarsrc')
        mkdirSync(dir)
        writeFileSync(join(dir, `t-${c}`), 'via stdin\n')
        const upload = spawnSync('tar', ['-cf', '-', '-C', dir, `t-${c}`], { encoding: 'utf8' }).stdout
        ok(cli(c, ['cp', '-', `${ctr}:/d`], upload))
        assert.equal(catInside(c, ctr, `/d/t-${c}`), 'via stdin\n')
      })

      test('-a keeps owners going in; without it files belong to root', () => {
        const src = fresh('owned')
        writeFileSync(src, 'owned\n')
        chownSync(src, 4321, 8765)
        ok(cli(c, ['cp', '-a', src, `${ctr}:/owned-a-${c}`]))
        ok(cli(c, ['cp', src, `${ctr}:/owned-${c}`]))
        assert.deepEqual(listing(c, ctr, `/owned-a-${c}`), [`-rw-r--r-- 4321/8765 owned-a-${c}`])
        assert.deepEqual(listing(c, ctr, `/owned-${c}`), [`-rw-r--r-- 0/0 owned-${c}`])
        assert.deepEqual(listing(c, ctr, '/d/f'), ['-rw-r--r-- 1234/5678 f'])
      })

      test('-L copies what a link points at; without it the link itself', () => {
        const link = fresh('link')
        ok(cli(c, ['cp', `${ctr}:/lf`, link]))
        assert.equal(readlinkSync(link), '/d/f')
        const followed = fresh('followed')
        ok(cli(c, ['cp', '-L', `${ctr}:/lf`, followed]))
        assert.equal(lstatSync(followed).isFile(), true)
        assert.equal(readFileSync(followed, 'utf8'), 'hi\n')
      })

      test('a missing path is Docker’s 404 and exit 1', () => {
        const r = cli(c, ['cp', `${ctr}:/nope`, fresh('nope')])
        assert.equal(r.code, 1)
        assert.match(r.stderr, new RegExp(`Error response from daemon: Could not find the file /nope in container ${ctr}`))
      })

      test('links to /etc read and write the container’s /etc, never the host’s', () => {
        assert.equal(catInside(c, ctr, '/link/passwd'), 'container-passwd\n')
        assert.equal(catInside(c, ctr, '/up/passwd'), 'container-passwd\n')
        const out = fresh('etc')
        ok(cli(c, ['cp', '-L', `${ctr}:/link`, out]))
        assert.equal(readFileSync(join(out, 'passwd'), 'utf8'), 'container-passwd\n')
        const src = fresh('evil')
        writeFileSync(src, 'not for the host\n')
        const name = `berth-cp-escape-${c}-${ctr}`
        ok(cli(c, ['cp', src, `${ctr}:/link/${name}`]))
        ok(cli(c, ['cp', src, `${ctr}:/up/${name}-up`]))
        assert.equal(existsSync(`/etc/${name}`), false)
        assert.equal(existsSync(`/etc/${name}-up`), false)
        assert.equal(catInside(c, ctr, `/etc/${name}`), 'not for the host\n')
        assert.equal(catInside(c, ctr, `/etc/${name}-up`), 'not for the host\n')
      })

      test('nothing stays mounted afterwards', () => {
        assert.equal(mergedMounted(ctr), ctr === 'cp-run')
      })
    })
  }
}

test('a copy into the running container is visible inside it', () => {
  assert.equal(ok(d.berth(['exec', 'cp-run', 'cat', '/etc/berth-cp-escape-docker-cp-run'])).stdout, 'not for the host\n')
  assert.equal(ok(d.berth(['exec', 'cp-run', 'stat', '-c', '%u:%g', '/owned-a-berth'])).stdout.trim(), '4321:8765')
})

// cap_net_bind_service, permitted + effective (revision 2), and a user attribute: neither is UTF-8
const CAP = Buffer.from('0100000200040000000000000000000000000000', 'hex')
const FOO = Buffer.from([0xff, 0xfe, 0x00, 0x80, 0x3d, 0x0a])

/** A PAX record as the format defines it: `<len> <key>=<value>\n`, the length counting itself. */
function paxRecord(key: string, value: Buffer): Buffer {
  const body = Buffer.concat([Buffer.from(` ${key}=`), value, Buffer.from('\n')])
  for (let len = body.length + 1; ; len++) if (String(len).length + body.length === len) return Buffer.concat([Buffer.from(String(len)), body])
}

/** A CLI with binary stdin from a file and binary stdout to a file. */
function cliFiles(c: Cli, args: string[], files: { stdin?: string; stdout?: string }): void {
  const quote = (a: string) => `'${a.replace(/'/g, `'\\''`)}'`
  const redirect = `${files.stdin ? ` < ${quote(files.stdin)}` : ''}${files.stdout ? ` > ${quote(files.stdout)}` : ''}`
  const r = spawnSync('sh', ['-c', `${c === 'docker' ? 'docker' : BERTH} ${args.map(quote).join(' ')}${redirect}`], { env: d.env, encoding: 'utf8' })
  assert.equal(r.status, 0, `${c} ${args.join(' ')}: ${r.stderr}`)
}

const upperOf = (name: string): string => JSON.parse(ok(d.berth(['inspect', name])).stdout)[0].GraphDriver.Data.UpperDir

test('extended attributes: an upload sets them all, a download carries security.capability as Docker’s does', () => {
  const src = fresh('xattr-src')
  mkdirSync(src)
  copyFileSync('/bin/busybox', join(src, 'capped'))
  setXattr(join(src, 'capped'), 'security.capability', CAP)
  setXattr(join(src, 'capped'), 'user.foo', FOO)
  const upload = fresh('xattr-upload.tar')
  const made = spawnSync('tar', ['--xattrs', '--xattrs-include=*', '-cf', upload, '-C', src, 'capped'], { encoding: 'utf8' })
  assert.equal(made.status, 0, made.stderr)
  assert.ok(readFileSync(upload).includes(paxRecord('SCHILY.xattr.security.capability', CAP)), 'GNU tar wrote the record')
  for (const c of ['docker', 'berth'] as const) {
    for (const ctr of ['cp-run', 'cp-stop']) {
      cliFiles(c, ['cp', '-', `${ctr}:/d`], { stdin: upload })
      const inUpper = join(upperOf(ctr), 'd/capped')
      assert.deepEqual(getXattr(inUpper, 'security.capability'), CAP, `${c} ${ctr}: capability set on upload`)
      assert.deepEqual(getXattr(inUpper, 'user.foo'), FOO, `${c} ${ctr}: user attribute set on upload`)

      const download = fresh('xattr-download.tar')
      cliFiles(c, ['cp', `${ctr}:/d/capped`, '-'], { stdout: download })
      const sent = readFileSync(download)
      assert.ok(sent.includes(paxRecord('SCHILY.xattr.security.capability', CAP)), `${c} ${ctr}: the capability goes out byte for byte`)
      assert.ok(!sent.includes(Buffer.from('SCHILY.xattr.user.foo')), `${c} ${ctr}: only the capability goes out, as Docker's archive`)
    }
  }
  // docker's CLI restores what the daemon sent onto the host file
  const out = fresh('capped-out')
  ok(d.docker(['cp', 'cp-run:/d/capped', out]))
  assert.deepEqual(getXattr(out, 'security.capability'), CAP)
})

describe('through volumes and binds', () => {
  let bind: string
  before(() => {
    bind = join(d.dir, 'bind')
    mkdirSync(bind)
    writeFileSync(join(bind, 'hb'), 'bind\n')
    const mounts = ['-v', `${bind}:/b`, '-v', 'cp-vol:/vol', '-v', `${bind}:/rob:ro`, '--tmpfs', '/tm']
    const script = 'echo v > /vol/v && ln -sf /etc/passwd /vol/pw && echo container-passwd > /etc/passwd && echo t > /tm/t'
    ok(d.berth(['run', '-d', '--name', 'cpv-run', ...mounts, 'busybox', 'sh', '-c', `${script} && touch /ready && exec sleep 1000`]))
    for (let i = 0; i < 100 && d.berth(['exec', 'cpv-run', 'test', '-f', '/ready']).code !== 0; i++) spawnSync('sleep', ['0.05'])
    ok(d.berth(['run', '--name', 'cpv-stop', ...mounts, 'busybox', 'sh', '-c', script]))
  })

  for (const c of ['docker', 'berth'] as const) {
    for (const ctr of ['cpv-run', 'cpv-stop']) {
      test(`${c}, ${ctr}: reads and writes reach the mount's source; links in a volume stay in the container`, () => {
        assert.equal(catInside(c, ctr, '/b/hb'), 'bind\n')
        assert.equal(catInside(c, ctr, '/vol/v'), 'v\n')
        assert.equal(catInside(c, ctr, '/vol/pw'), '') // the link itself
        const out = fresh('pw')
        ok(cli(c, ['cp', '-L', `${ctr}:/vol/pw`, out]))
        assert.equal(readFileSync(out, 'utf8'), 'container-passwd\n')
        const src = fresh('tobind')
        writeFileSync(src, `${c} ${ctr}\n`)
        ok(cli(c, ['cp', src, `${ctr}:/b/${c}-${ctr}`]))
        assert.equal(readFileSync(join(bind, `${c}-${ctr}`), 'utf8'), `${c} ${ctr}\n`)
        // a tar extracted at / puts vol/… into the volume, as inside the container
        const dir = fresh('routed')
        mkdirSync(join(dir, 'vol'), { recursive: true })
        writeFileSync(join(dir, 'vol', `r-${c}`), 'routed\n')
        ok(cli(c, ['cp', '-', `${ctr}:/`], spawnSync('tar', ['-cf', '-', '-C', dir, `vol/r-${c}`], { encoding: 'utf8' }).stdout))
        assert.equal(catInside(c, ctr, `/vol/r-${c}`), 'routed\n')
        const r = cli(c, ['cp', src, `${ctr}:/rob/x`])
        assert.equal(r.code, 1)
        assert.match(r.stderr, /Error response from daemon: mounted volume is marked read-only/)
      })
    }
  }

  test('a running container’s tmpfs is refused with a clear error; a stopped one shows the directory under it', () => {
    const r = d.docker(['cp', 'cpv-run:/tm/t', '-'])
    assert.equal(r.code, 1)
    assert.match(r.stderr, /\/tm is on a tmpfs mount of a running container, which cannot be reached from the host/)
    assert.deepEqual(listing('docker', 'cpv-stop', '/tm').map((l) => l.split(' ').pop()), ['tm/'])
  })

  test('the volume holds what was routed into it', () => {
    const src = ok(d.berth(['volume', 'inspect', '-f', '{{.Mountpoint}}', 'cp-vol'])).stdout.trim()
    assert.equal(readFileSync(join(src, 'r-docker'), 'utf8'), 'routed\n')
  })
})

test('the API: HEAD’s stat header, and 400s for an empty path and a file as extraction point', async () => {
  const stat = async (path: string) => {
    const r = await d.api('HEAD', `/containers/cp-run/archive?path=${encodeURIComponent(path)}`)
    assert.equal(r.status, 200)
    const s = JSON.parse(Buffer.from(String(r.headers['x-docker-container-path-stat']), 'base64').toString())
    return { ...s, mtime: typeof s.mtime }
  }
  assert.deepEqual(await stat('/link'), { name: 'link', size: 4, mode: 2 ** 27 + 0o777, mtime: 'string', linkTarget: '/etc' })
  assert.deepEqual(await stat('/up'), { name: 'up', size: 21, mode: 2 ** 27 + 0o777, mtime: 'string', linkTarget: '/etc' })
  assert.deepEqual(await stat('/d/f'), { name: 'f', size: 3, mode: 0o644, mtime: 'string', linkTarget: '' })
  assert.equal((await stat('/link/.')).mode, 2 ** 31 + 0o755)
  const empty = await d.api('GET', '/containers/cp-run/archive?path=')
  assert.deepEqual([empty.status, empty.body], [400, { message: 'bad parameter: pathcannot be empty' }])
  const file = await d.api('PUT', '/containers/cp-run/archive?path=/d/f')
  assert.deepEqual([file.status, file.body], [400, { message: 'extraction point is not a directory' }])
  const missing = await d.api('PUT', '/containers/cp-run/archive?path=/nope')
  assert.deepEqual([missing.status, missing.body], [404, { message: 'Could not find the file /nope in container cp-run' }])
})

test('a reader that goes away mid-copy ends the copy: the daemon lives on and the rootfs is unmounted', async () => {
  ok(d.berth(['run', '--name', 'cp-big', 'busybox', 'dd', 'if=/dev/zero', 'of=/big', 'bs=1M', 'count=64']))
  const r = spawnSync('sh', ['-c', `${BERTH} cp cp-big:/big - | head -c 1000 | wc -c`], { encoding: 'utf8', env: d.env })
  assert.equal(r.stdout.trim(), '1000')
  assert.equal(r.stderr, '')
  await new Promise((res) => setTimeout(res, 1000))
  ok(d.berth(['ps', '-a']))
  const id = ok(d.berth(['inspect', '-f', '{{.Id}}', 'cp-big'])).stdout.trim()
  assert.ok(!readFileSync('/proc/mounts', 'utf8').includes(`${d.dataRoot}/containers/${id}/`), 'its rootfs is unmounted')
})
