// berthd: open the engine, serve the API on every -H address, shut down cleanly on a signal.
// With live-restore (the default) containers keep running when the daemon stops or dies.
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import { randomUUID } from 'node:crypto'
import type { Server } from 'node:http'
import { Engine } from '../engine/engine.js'
import { createApiServer, listenTcp, listenUnix } from '../api/server.js'
import { allRoutes } from '../api/routes/index.js'
import { BerthError, invalid } from '../lib/errors.js'
import { log, setLevel } from '../lib/log.js'
import { parseDaemonFlags, USAGE } from './flags.js'
import { VERSION } from '../lib/version.js'

export async function main(argv: readonly string[]): Promise<number> {
  let opts
  try {
    opts = parseDaemonFlags(argv)
  } catch (e) {
    process.stderr.write(`berthd: ${(e as Error).message}\nSee 'berthd --help'.\n`)
    return 125
  }
  if (opts.help) {
    process.stdout.write(USAGE)
    return 0
  }
  if (opts.version) {
    process.stdout.write(`berthd version ${VERSION}\n`)
    return 0
  }
  setLevel(opts.logLevel)
  if (process.getuid?.() !== 0) {
    process.stderr.write('berthd: must run as root\n')
    return 1
  }

  await claimPidfile(opts.pidfile)
  const engine = await Engine.open({
    dataRoot: opts.dataRoot,
    execRoot: opts.execRoot,
    defaultUlimits: opts.defaultUlimits,
    cgroupParent: opts.cgroupParent,
    bridge: opts.bridge,
    bip: opts.bip,
    mtu: opts.mtu,
    dnsUpstreams: opts.dnsUpstreams,
    insecureRegistries: opts.insecureRegistries,
    registryCertsDir: opts.registryCertsDir,
  })
  const id = await daemonId(opts.dataRoot)
  const server = createApiServer(allRoutes(engine, { version: VERSION, liveRestore: opts.liveRestore, id }), { version: VERSION })
  const closers: Array<() => Promise<void>> = []
  for (const host of opts.hosts) closers.push(await listen(server, host))
  log.info('berthd started', { version: VERSION, hosts: opts.hosts, dataRoot: opts.dataRoot })

  let stopping = false
  const shutdown = async (signal: string) => {
    if (stopping) return
    stopping = true
    log.info('shutting down', { signal })
    server.closeAllConnections?.()
    for (const close of closers) await close().catch(() => undefined)
    if (!opts.liveRestore) await engine.stopAll().catch((e: unknown) => log.error('stopping containers failed', { error: String(e) }))
    await engine.close()
    await rm(opts.pidfile, { force: true })
    process.exit(0)
  }
  process.on('SIGTERM', () => void shutdown('SIGTERM'))
  process.on('SIGINT', () => void shutdown('SIGINT'))
  return new Promise(() => undefined) // serve until a signal
}

async function listen(server: Server, host: string): Promise<() => Promise<void>> {
  if (host.startsWith('unix://')) {
    const path = host.slice('unix://'.length)
    await mkdir(dirname(path), { recursive: true })
    await listenUnix(server, path)
    return async () => {
      await rm(path, { force: true })
    }
  }
  if (host.startsWith('tcp://')) {
    const [addr, port] = host.slice('tcp://'.length).split(':')
    await listenTcp(server, addr || '127.0.0.1', Number(port || 2375))
    return async () => undefined
  }
  throw invalid(`invalid host: ${host}`)
}

/** One daemon per pidfile: refuse when the recorded process is alive, like dockerd. */
async function claimPidfile(path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true })
  const old = Number((await readFile(path, 'utf8').catch(() => '')).trim())
  if (old > 0 && old !== process.pid && alive(old))
    throw new BerthError('conflict', `pid file found, ensure berthd is not running or delete ${path}`)
  await writeFile(path, `${process.pid}`)
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}

async function daemonId(dataRoot: string): Promise<string> {
  const file = join(dataRoot, 'engine-id')
  const existing = (await readFile(file, 'utf8').catch(() => '')).trim()
  if (existing) return existing
  const id = randomUUID()
  await writeFile(file, id)
  return id
}
