// A throwaway busybox world for runtime integration tests: a temp dir with a runc root, an
// exit dir, a socket dir, and one bundle per container (rootfs = static busybox + applet
// symlinks, config.json from `runc spec`). cleanup() leaves nothing: runc delete -f, no conmon,
// no temp dir, no cgroup dirs under /berth-test-rt/<name>.
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, rmdir, symlink, writeFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { run, runOk } from '../../../src/sys/exec.js'
import { Runc } from '../../../src/runtime/runc.js'
import type { CreateRequest } from '../../../src/runtime/conmon.js'
import { ExitWatcher } from '../../../src/runtime/exits.js'
import { before, after } from 'node:test'
import assert from 'node:assert/strict'

const BUSYBOX = '/bin/busybox'
const CGROUP_PARENT = 'berth-test-rt'

export interface ContainerOptions {
  args: string[]
  terminal?: boolean
  stdin?: boolean
  leaveStdinOpen?: boolean
}

export class RuntimeFixture {
  readonly runc: Runc
  readonly ids: string[] = []
  private constructor(
    readonly name: string,
    readonly dir: string,
  ) {
    this.runc = new Runc(join(dir, 'runc'))
  }

  static async create(name: string): Promise<RuntimeFixture> {
    for (const bin of [BUSYBOX, '/usr/sbin/runc', '/usr/bin/conmon']) {
      if (!existsSync(bin)) throw new Error(`precondition: ${bin} is missing`)
    }
    if (process.getuid?.() !== 0) throw new Error('precondition: runtime integration tests need root')
    const dir = await mkdtemp(`/tmp/berth-test-${name}-`)
    const f = new RuntimeFixture(name, dir)
    await mkdir(join(dir, 'rootfs', 'bin'), { recursive: true })
    await copyFile(BUSYBOX, join(dir, 'rootfs', 'bin', 'busybox'))
    await runOk('/bin/chmod', ['0755', join(dir, 'rootfs', 'bin', 'busybox')])
    const applets = (await runOk(BUSYBOX, ['--list'])).split('\n').filter((a) => a && a !== 'busybox')
    await Promise.all(applets.map((a) => symlink('busybox', join(dir, 'rootfs', 'bin', a))))
    for (const d of ['proc', 'dev', 'sys', 'tmp', 'etc']) await mkdir(join(dir, 'rootfs', d), { recursive: true })
    return f
  }

  get exitDir() {
    return join(this.dir, 'exits')
  }
  get socketDir() {
    return join(this.dir, 's')
  }
  get runcRoot() {
    return join(this.dir, 'runc')
  }

  /** A bundle for a new container; returns the CreateRequest to give conmon. */
  async bundle(opts: ContainerOptions): Promise<CreateRequest> {
    const id = `${this.name}-${randomBytes(4).toString('hex')}`
    this.ids.push(id)
    const bundle = join(this.dir, 'c', id)
    await mkdir(bundle, { recursive: true })
    await runOk('/usr/sbin/runc', ['spec', '--bundle', bundle])
    const spec = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8'))
    spec.process.args = opts.args
    spec.process.terminal = opts.terminal ?? false
    spec.process.env = ['PATH=/bin', 'TERM=xterm']
    spec.root.path = join(this.dir, 'rootfs')
    spec.linux.cgroupsPath = `/${CGROUP_PARENT}/${this.name}/${id}`
    await writeFile(join(bundle, 'config.json'), JSON.stringify(spec))
    return {
      id,
      name: id,
      bundle,
      runDir: bundle,
      logPath: join(bundle, 'ctr.log'),
      terminal: opts.terminal ?? false,
      stdin: opts.stdin ?? false,
      leaveStdinOpen: opts.leaveStdinOpen ?? false,
      exitDir: this.exitDir,
      socketDir: this.socketDir,
      runcRoot: this.runcRoot,
    }
  }

  /** conmon processes started for this fixture that are still alive. */
  async liveMonitors(): Promise<number[]> {
    const out = await run('/usr/bin/pgrep', ['-f', `conmon .*${this.dir}`])
    return out.stdout.split('\n').filter(Boolean).map(Number)
  }

  async cleanup(): Promise<void> {
    for (const id of this.ids) await this.runc.delete(id, true).catch(() => {})
    for (const pid of await this.liveMonitors()) {
      try {
        process.kill(pid, 'SIGKILL')
      } catch {}
    }
    await rm(this.dir, { recursive: true, force: true })
    await removeCgroupDirs(this.name)
  }
}

async function removeCgroupDirs(name: string): Promise<void> {
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    const parent = join('/sys/fs/cgroup', ctl, CGROUP_PARENT)
    const mine = join(parent, name)
    if (!existsSync(mine)) continue
    for (const child of await readdir(mine, { withFileTypes: true })) {
      if (child.isDirectory()) await rmdir(join(mine, child.name)).catch(() => {})
    }
    await rmdir(mine).catch(() => {})
    await rmdir(parent).catch(() => {}) // other test files may still use it
  }
}

/** Dirs this fixture left in the cgroup hierarchies (should be none after cleanup). */
export async function leftoverCgroups(name: string): Promise<string[]> {
  const left: string[] = []
  for (const ctl of await readdir('/sys/fs/cgroup')) {
    const p = join('/sys/fs/cgroup', ctl, CGROUP_PARENT, name)
    if (existsSync(p)) left.push(p)
  }
  return left
}

/** Collects attach output per stream. */
export function collector() {
  const out: Buffer[] = []
  const err: Buffer[] = []
  const frames: Array<[1 | 2, string]> = []
  return {
    onData: (s: 1 | 2, c: Buffer) => {
      ;(s === 1 ? out : err).push(c)
      frames.push([s, c.toString()])
    },
    stdout: () => Buffer.concat(out).toString(),
    stderr: () => Buffer.concat(err).toString(),
    frames,
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

/** Polls until fn returns a value, or throws after `ms`. */
export async function until<T>(fn: () => Promise<T | undefined> | T | undefined, what: string, ms = 5000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(20)
  }
}

/**
 * One fixture per test file with an exit watcher recording exit codes by container ID; after all
 * tests it checks that no conmon and no cgroup of the fixture are left.
 */
export function useRuntimeWorld(name: string): { fx: RuntimeFixture; watcher: ExitWatcher; exits: Map<string, number> } {
  const world = { fx: undefined as unknown as RuntimeFixture, watcher: undefined as unknown as ExitWatcher, exits: new Map<string, number>() }
  before(async () => {
    world.fx = await RuntimeFixture.create(name)
    world.watcher = new ExitWatcher(world.fx.exitDir)
    world.watcher.on('exit', (id, code) => world.exits.set(id, code))
    await world.watcher.start()
  })
  after(async () => {
    world.watcher.stop()
    await world.fx.cleanup()
    assert.deepEqual(await world.fx.liveMonitors(), [])
    assert.deepEqual(await leftoverCgroups(name), [])
  })
  return world
}
