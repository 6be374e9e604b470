// Starts a real berthd for a test: its own data root, exec root and socket under /tmp, so tests
// run side by side. `stop()` ends the daemon; `cleanup()` removes every container, stops the
// daemon, and checks that nothing of it is left (mounts, conmon processes, directories).
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
  dataRoot: string
  execRoot: string
  socket: string
  env: NodeJS.ProcessEnv
  proc: ChildProcess
  /** berth CLI against this daemon */
  berth(args: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
  /** the real docker CLI against this daemon */
  docker(args: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
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
  const env = { ...process.env, DOCKER_HOST: `unix://${socket}`, BERTH_NO_AUTOSTART: '1', DOCKER_CONFIG: join(dir, 'docker-config') }
  let logText = ''
  const launch = () => {
    const p = spawn(BERTHD, ['--data-root', dataRoot, '--exec-root', execRoot, '--cgroup-parent', cgroupParent, ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] })
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
    dataRoot,
    execRoot,
    socket,
    env,
    get proc() {
      return proc
    },
    berth: (args, opts) => runCli(BERTH, args, opts),
    docker: (args, opts) => runCli('docker', args, opts),
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
      const leftovers = leaks(dir)
      rmSync(dir, { recursive: true, force: true })
      assert.deepEqual(leftovers, [], `resources left by the test daemon in ${dir}`)
    },
  }
  return d
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
