// Starts a real berthd for a test: its own data root, exec root and socket under /tmp, and its own
// network namespace playing "the host" (ENVIRONMENT.md §4.1), so tests run side by side and never
// touch the machine's interfaces, routes or firewall. `stop()` ends the daemon; `cleanup()` removes
// every container, stops the daemon, and checks that nothing of it is left (mounts, conmon
// processes, cgroups, veths, published ports), then deletes the namespace.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, rmSync, existsSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import { request } from 'node:http'
import assert from 'node:assert/strict'

export const REPO = resolve(import.meta.dirname, '../..')
export const BERTH = join(REPO, 'bin/berth')
export const BERTHD = join(REPO, 'bin/berthd')

export interface RunResult {
  code: number
  stdout: string
  stderr: string
}

export interface TestDaemon {
  dir: string
  /** this daemon's cgroup parent, e.g. /berth-test-run-AbC123 */
  cgroupParent: string
  /** the daemon's network namespace (a name under /run/netns): the test's "host" */
  netns: string
  dataRoot: string
  execRoot: string
  socket: string
  env: NodeJS.ProcessEnv
  proc: ChildProcess
  /** berth CLI against this daemon */
  berth(args: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
  /** the real docker CLI against this daemon */
  docker(args: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
  /** a command in the daemon's network namespace (curl 127.0.0.1:port reaches its published ports) */
  host(argv: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string; headers: Record<string, unknown> }>
  /** SIGKILL the daemon (live-restore tests) */
  kill(): Promise<void>
  /** start the daemon again on the same roots */
  restart(): Promise<void>
  stop(): Promise<void>
  cleanup(): Promise<void>
}

function waitForSocket(socket: string, proc: ChildProcess, log: () => string, timeoutMs = 30000): Promise<void> {
  const start = Date.now()
  return new Promise((resolvePromise, reject) => {
    const tick = () => {
      if (proc.exitCode !== null) return reject(new Error(`berthd exited with ${proc.exitCode}:\n${log()}`))
      const req = request({ socketPath: socket, path: '/_ping', method: 'GET' }, (res) => {
        res.resume()
        if (res.statusCode === 200) resolvePromise()
        else setTimeout(tick, 50)
      })
      req.on('error', () => {
        if (Date.now() - start > timeoutMs) reject(new Error(`berthd did not answer on ${socket}:\n${log()}`))
        else setTimeout(tick, 50)
      })
      req.end()
    }
    tick()
  })
}

export async function startDaemon(name: string, extraArgs: string[] = []): Promise<TestDaemon> {
  const dir = mkdtempSync(`/tmp/berth-test-${name.replace(/[^a-z0-9-]/gi, '-').slice(0, 20)}-`)
  const dataRoot = join(dir, 'data')
  const execRoot = join(dir, 'run')
  const socket = join(execRoot, 'berth.sock')
  const cgroupParent = `/${basename(dir)}`
  const netns = basename(dir)
  const made = spawnSync('ip', ['netns', 'add', netns], { encoding: 'utf8' })
  if (made.status !== 0) throw new Error(`ip netns add ${netns}: ${made.stderr}`)
  spawnSync('ip', ['-n', netns, 'link', 'set', 'lo', 'up'])
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'docker-config') }
  let logText = ''
  const launch = () => {
    // --dns-upstream none: the embedded DNS server never forwards a test's lookups off the machine.
    const argv = [BERTHD, '--data-root', dataRoot, '--exec-root', execRoot, '--cgroup-parent', cgroupParent, '--dns-upstream', 'none', ...extraArgs]
    const p = spawn('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], { stdio: ['ignore', 'pipe', 'pipe'] })
    p.stdout!.on('data', (d) => (logText += d))
    p.stderr!.on('data', (d) => (logText += d))
    return p
  }
  let proc = launch()
  await waitForSocket(socket, proc, () => logText)

  const runCli = (file: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult => {
    const r = spawnSync(file, args, { env, input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL' })
    return { code: r.status ?? 128 + 9, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
  }

  const d: TestDaemon = {
    dir,
    cgroupParent,
    netns,
    dataRoot,
    execRoot,
    socket,
    env,
    get proc() {
      return proc
    },
    berth: (args, opts) => runCli(BERTH, args, opts),
    docker: (args, opts) => runCli('docker', args, opts),
    host: (argv, opts) => runCli('nsenter', [`--net=/run/netns/${netns}`, '--', ...argv], opts),
    api: (method, path, body) =>
      new Promise((res, rej) => {
        const data = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
        const req = request(
          { socketPath: socket, path, method, headers: data ? { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) } : {} },
          (r) => {
            let text = ''
            r.on('data', (c) => (text += c))
            r.on('end', () => {
              let parsed: unknown
              try {
                parsed = text ? JSON.parse(text) : undefined
              } catch {
                parsed = undefined
              }
              res({ status: r.statusCode ?? 0, body: parsed, text, headers: r.headers })
            })
          },
        )
        req.on('error', rej)
        req.end(data)
      }),
    kill: async () => {
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGKILL')
      await exited
    },
    restart: async () => {
      proc = launch()
      await waitForSocket(socket, proc, () => logText)
    },
    stop: async () => {
      if (proc.exitCode !== null || proc.signalCode !== null) return
      const exited = new Promise((r) => proc.once('exit', r))
      proc.kill('SIGTERM')
      await exited
    },
    cleanup: async () => {
      if (proc.exitCode === null && proc.signalCode === null) {
        const ids = runCli(BERTH, ['ps', '-aq', '--no-trunc']).stdout.trim().split('\n').filter(Boolean)
        if (ids.length > 0) runCli(BERTH, ['rm', '-f', ...ids])
        await d.stop()
      }
      const leftovers = [...leaks(dir), ...(await networkLeaks(netns))]
      spawnSync('ip', ['netns', 'del', netns])
      rmSync(dir, { recursive: true, force: true })
      assert.deepEqual(leftovers, [], `resources left by the test daemon in ${dir}`)
    },
  }
  return d
}

/**
 * What the daemon's namespace still holds once every container is gone: veth pairs (their
 * deletion follows the sandbox's end asynchronously, so this waits a little) and published ports.
 */
export async function networkLeaks(netns: string): Promise<string[]> {
  const veths = () => spawnSync('ip', ['-n', netns, '-o', 'link', 'show', 'type', 'veth'], { encoding: 'utf8' }).stdout.trim()
  for (let i = 0; i < 40 && veths(); i++) await new Promise((r) => setTimeout(r, 50))
  const out = veths() ? [`veths: ${veths()}`] : []
  const rules = spawnSync('ip', ['netns', 'exec', netns, 'nft', '-j', 'list', 'table', 'ip', 'berth'], { encoding: 'utf8' })
  if (rules.status === 0) {
    const elems = (JSON.parse(rules.stdout).nftables as Array<{ map?: { name: string; elem?: unknown[] } }>).filter((x) => x.map?.elem?.length)
    for (const e of elems) out.push(`published ports left in ${e.map!.name}: ${JSON.stringify(e.map!.elem)}`)
  }
  return out
}

/** Mounts, conmon processes and runc state that mention the test's directory. */
export function leaks(dir: string): string[] {
  const out: string[] = []
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n')) if (line.includes(dir)) out.push(`mount: ${line.split(' ')[4]}`)
  const ps = spawnSync('pgrep', ['-a', '-f', dir], { encoding: 'utf8' }).stdout
  for (const line of ps.split('\n').filter(Boolean)) if (!line.includes('pgrep')) out.push(`process: ${line}`)
  for (const ctl of readdirSync('/sys/fs/cgroup')) {
    const p = `/sys/fs/cgroup/${ctl}/${basename(dir)}`
    if (existsSync(p)) out.push(`cgroup: ${p}`)
  }
  const runc = join(dir, 'run', 'runc')
  if (existsSync(runc)) {
    const list = spawnSync('runc', ['--root', runc, 'list', '-q'], { encoding: 'utf8' }).stdout.trim()
    if (list) out.push(`runc containers: ${list}`)
  }
  return out
}
