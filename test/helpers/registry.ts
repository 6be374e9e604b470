// Starts a real registry (Debian's docker-registry, distribution 2.8) for a test: a generated
// config, its own storage under /tmp, 127.0.0.1 and a port of its own, optionally TLS (a test CA
// made with openssl), basic auth (bcrypt htpasswd) or token auth (a tiny token server signing
// JWTs with a test key). Test daemons live in their own network namespace, so pass `netns:
// d.netns`: the registry, its token server, proxies and skopeo then all run in there, where
// berthd can reach them. `stop()` ends every process and removes the directory.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process'
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { join, resolve } from 'node:path'
import type { RunResult } from './daemon.js'

const HELPERS = resolve(import.meta.dirname)

export interface RegistryOptions {
  /** Network namespace to run in (a test daemon's `d.netns`); default: this process's. */
  netns?: string
  tls?: boolean
  auth?: 'basic' | 'token'
  /** username → password, for basic or token auth; default { testuser: 'testpass' }. */
  users?: Record<string, string>
  /**
   * Listen address. Default 127.0.0.1, which Docker (and berth) treat as insecure: plain HTTP,
   * and an unverified certificate accepted. Any other address (e.g. 198.51.100.7, TEST-NET-2) is
   * added to `lo` of `netns` first; a registry there is "secure" and its CA must be trusted.
   */
  address?: string
  /** With tls: require a client certificate signed by a test client CA (files in `clientCert`/`clientKey`). */
  clientCerts?: boolean
}

export interface TestRegistry {
  /** `127.0.0.1:PORT`: the domain part of image references. */
  host: string
  /** `http://127.0.0.1:PORT` or `https://…` */
  url: string
  dir: string
  /** The registry's filesystem storage root (docker/registry/v2/… below it). */
  storageDir: string
  /** PEM of the CA that signed the server certificate (tls only). */
  caFile?: string
  /** A client certificate and key the registry accepts (clientCerts only). */
  clientCert?: string
  clientKey?: string
  users: Record<string, string>
  /** Runs a program in the registry's network namespace. */
  exec(argv: string[], opts?: { input?: string; timeoutMs?: number }): RunResult
  /** skopeo in the registry's namespace, trusting its CA, with the first user's credentials when auth is on. */
  skopeo(args: string[], opts?: { timeoutMs?: number }): RunResult
  /**
   * Copies an image into `repo:tag` of this registry with skopeo: `source` is a skopeo transport
   * reference (`docker-archive:/tmp/x.tar`, `oci:/tmp/layout:tag`). Throws with skopeo's stderr.
   */
  push(source: string, repoTag: string, extra?: string[]): void
  /** Registry process output so far (its access log included). */
  log(): string
  /** Token server requests so far (auth 'token'): one parsed JSON line each. */
  tokenRequests(): Array<{ path: string; scopes: string[]; user: string; denied?: boolean }>
  stop(): Promise<void>
}

export interface TestProxy {
  host: string
  /** Every request seen so far, in order. */
  requests(): Array<{ method: string; url: string; range: string | null }>
  /** Blob URLs whose response was cut. */
  cuts(): string[]
  stop(): Promise<void>
}

let nextPort = 20000 + Math.floor(Math.random() * 20000)

/** A port for a listener: in a private namespace any port is free; in ours ask the kernel. */
async function freePort(netns?: string): Promise<number> {
  if (netns) return nextPort++
  return new Promise((res, rej) => {
    const s = createServer()
    s.once('error', rej)
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port
      s.close(() => res(port))
    })
  })
}

const inNs = (netns: string | undefined, argv: string[]): [string, string[]] =>
  netns ? ['nsenter', [`--net=/run/netns/${netns}`, '--', ...argv]] : [argv[0]!, argv.slice(1)]

function run(netns: string | undefined, argv: string[], opts: { input?: string; timeoutMs?: number } = {}): RunResult {
  const [file, args] = inNs(netns, argv)
  const r = spawnSync(file, args, { input: opts.input ?? '', encoding: 'utf8', timeout: opts.timeoutMs ?? 60_000, killSignal: 'SIGKILL', maxBuffer: 64 << 20 })
  return { code: r.status ?? 137, stdout: r.stdout ?? '', stderr: r.stderr ?? '' }
}

function must(argv: string[], opts: { input?: string; cwd?: string } = {}): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { input: opts.input ?? '', encoding: 'utf8', cwd: opts.cwd })
  if (r.status !== 0) throw new Error(`${argv.join(' ')}: ${r.stderr}`)
  return r.stdout
}

/** A CA and a server certificate for `ips` (SANs, as Go requires), written into `dir`. */
function makeCerts(dir: string, ips: string[]): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'ca.crt')
  must(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', join(dir, 'ca.key'), '-out', ca, '-subj', '/CN=berth test CA'])
  must(['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'server.key'), '-out', join(dir, 'server.csr'), '-subj', `/CN=${ips[0]}`])
  writeFileSync(join(dir, 'ext.cnf'),
    `subjectAltName=${[...ips.map((i) => `IP:${i}`), 'DNS:localhost'].join(',')}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`)
  must(['openssl', 'x509', '-req', '-in', join(dir, 'server.csr'), '-CA', ca, '-CAkey', join(dir, 'ca.key'), '-CAcreateserial',
    '-days', '2', '-out', join(dir, 'server.crt'), '-extfile', join(dir, 'ext.cnf')])
  return { ca, cert: join(dir, 'server.crt'), key: join(dir, 'server.key') }
}

/** A client CA and a client certificate it signed (Go wants clientAuth usage). */
function makeClientCert(dir: string): { ca: string; cert: string; key: string } {
  const ca = join(dir, 'client-ca.crt')
  must(['openssl', 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '2',
    '-keyout', join(dir, 'client-ca.key'), '-out', ca, '-subj', '/CN=berth test client CA'])
  must(['openssl', 'req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
    '-keyout', join(dir, 'client.key'), '-out', join(dir, 'client.csr'), '-subj', '/CN=berth test client'])
  writeFileSync(join(dir, 'client-ext.cnf'), 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n')
  must(['openssl', 'x509', '-req', '-in', join(dir, 'client.csr'), '-CA', ca, '-CAkey', join(dir, 'client-ca.key'), '-CAcreateserial',
    '-days', '2', '-out', join(dir, 'client.cert'), '-extfile', join(dir, 'client-ext.cnf')])
  return { ca, cert: join(dir, 'client.cert'), key: join(dir, 'client.key') }
}

/** bcrypt lines for the registry's htpasswd file: htpasswd -B when installed, else Python's crypt(3). */
function htpasswd(users: Record<string, string>): string {
  return Object.entries(users)
    .map(([u, p]) => {
      // a low bcrypt cost: the registry checks the hash on every request
      const viaApache = spawnSync('htpasswd', ['-nbB', '-C', '4', u, p], { encoding: 'utf8' })
      if (viaApache.status === 0) return viaApache.stdout.trim()
      const hash = must(['python3', '-W', 'ignore', '-c',
        'import crypt,sys; print(crypt.crypt(sys.argv[1], crypt.mksalt(crypt.METHOD_BLOWFISH, rounds=16)))', p]).trim()
      return `${u}:${hash}`
    })
    .join('\n') + '\n'
}

/** Spawns a long-running helper and resolves once `ready(output)` holds. */
function startProcess(netns: string | undefined, argv: string[], ready: (out: string) => boolean, what: string): Promise<{ proc: ChildProcess; out: () => string }> {
  const [file, args] = inNs(netns, argv)
  const proc = spawn(file, args, { stdio: ['ignore', 'pipe', 'pipe'] })
  let text = ''
  proc.stdout!.on('data', (d) => (text += d))
  proc.stderr!.on('data', (d) => (text += d))
  return new Promise((res, rej) => {
    const started = Date.now()
    const tick = () => {
      if (proc.exitCode !== null) return rej(new Error(`${what} exited with ${proc.exitCode}:\n${text}`))
      if (ready(text)) return res({ proc, out: () => text })
      if (Date.now() - started > 20_000) {
        proc.kill('SIGKILL')
        return rej(new Error(`${what} did not start:\n${text}`))
      }
      setTimeout(tick, 50)
    }
    tick()
  })
}

async function stopProcess(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null) return
  const exited = new Promise((r) => proc.once('exit', r))
  proc.kill('SIGTERM')
  const timer = setTimeout(() => proc.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

async function waitForV2(netns: string | undefined, url: string, tlsArgs: string[], log: () => string): Promise<void> {
  const started = Date.now()
  for (;;) {
    const r = run(netns, ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code}', ...tlsArgs, `${url}/v2/`], { timeoutMs: 5000 })
    if (r.stdout === '200' || r.stdout === '401') return
    if (Date.now() - started > 20_000) throw new Error(`registry at ${url} did not answer /v2/ (${r.stdout} ${r.stderr}):\n${log()}`)
    await new Promise((res) => setTimeout(res, 100))
  }
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const { netns } = opts
  const users = opts.users ?? { testuser: 'testpass' }
  const address = opts.address ?? '127.0.0.1'
  const dir = mkdtempSync('/tmp/berth-registry-')
  const storageDir = join(dir, 'storage')
  const procs: ChildProcess[] = []
  try {
    if (address !== '127.0.0.1') {
      if (!netns) throw new Error('startRegistry: an address other than 127.0.0.1 needs a private netns')
      must(['ip', '-n', netns, 'addr', 'add', `${address}/32`, 'dev', 'lo'])
    }
    const port = await freePort(netns)
    const host = `${address}:${port}`
    const config: Record<string, unknown> = {
      version: 0.1,
      log: { level: 'info', accesslog: { disabled: false }, fields: { service: 'registry' } },
      storage: { filesystem: { rootdirectory: storageDir }, delete: { enabled: true }, maintenance: { uploadpurging: { enabled: false } } },
      http: { addr: host, secret: 'berth-test-secret' },
    }
    let caFile: string | undefined
    let clientCert: string | undefined
    let clientKey: string | undefined
    if (opts.tls) {
      const certs = makeCerts(dir, [address, '127.0.0.1'])
      caFile = certs.ca
      ;(config.http as Record<string, unknown>).tls = { certificate: certs.cert, key: certs.key }
      if (opts.clientCerts) {
        const client = makeClientCert(dir)
        clientCert = client.cert
        clientKey = client.key
        ;(config.http as { tls: Record<string, unknown> }).tls.clientcas = [client.ca]
      }
    }
    let tokenOut: (() => string) | undefined
    if (opts.auth === 'basic') {
      writeFileSync(join(dir, 'htpasswd'), htpasswd(users))
      config.auth = { htpasswd: { realm: 'berth-test', path: join(dir, 'htpasswd') } }
    } else if (opts.auth === 'token') {
      const key = join(dir, 'token.key')
      const cert = join(dir, 'token.crt')
      must(['openssl', 'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-keyout', key, '-out', cert, '-subj', '/CN=berth test token issuer'])
      writeFileSync(join(dir, 'users.json'), JSON.stringify(users))
      const tokenPort = await freePort(netns)
      const t = await startProcess(netns, [process.execPath, join(HELPERS, 'registry-token-server.mjs'), String(tokenPort), join(dir, 'users.json'), key, cert, 'berth-test-issuer', 'berth-test-registry'],
        (out) => out.includes('"listening"'), 'token server')
      procs.push(t.proc)
      tokenOut = t.out
      config.auth = { token: { realm: `http://127.0.0.1:${tokenPort}/token`, service: 'berth-test-registry', issuer: 'berth-test-issuer', rootcertbundle: cert } }
    }
    // JSON is YAML: the registry reads it as its config file
    writeFileSync(join(dir, 'config.yml'), JSON.stringify(config, null, 2))
    const reg = await startProcess(netns, ['/usr/bin/docker-registry', 'serve', join(dir, 'config.yml')], (out) => /listening on/.test(out), 'docker-registry')
    procs.push(reg.proc)
    const url = `${opts.tls ? 'https' : 'http'}://${host}`
    await waitForV2(netns, url, [...(caFile ? ['--cacert', caFile] : []), ...(clientCert ? ['--cert', clientCert, '--key', clientKey!] : [])], reg.out)
    // skopeo reads CA and client certificate from one directory (*.crt, *.cert, *.key)
    const skopeoCerts = clientCert ? join(dir, 'skopeo-certs') : undefined
    if (skopeoCerts) {
      mkdirSync(skopeoCerts)
      copyFileSync(caFile!, join(skopeoCerts, 'ca.crt'))
      copyFileSync(clientCert!, join(skopeoCerts, 'client.cert'))
      copyFileSync(clientKey!, join(skopeoCerts, 'client.key'))
    }

    const creds = opts.auth ? Object.entries(users)[0] : undefined
    const skopeo = (args: string[], o: { timeoutMs?: number } = {}) => {
      const copyish = args[0] === 'copy'
      const tlsArgs = copyish ? ['--dest-tls-verify=false', '--src-tls-verify=false'] : ['--tls-verify=false']
      if (skopeoCerts) tlsArgs.push(...(copyish ? [`--dest-cert-dir=${skopeoCerts}`, `--src-cert-dir=${skopeoCerts}`] : [`--cert-dir=${skopeoCerts}`]))
      const credArgs = creds ? (copyish ? [`--dest-creds=${creds[0]}:${creds[1]}`, `--src-creds=${creds[0]}:${creds[1]}`] : [`--creds=${creds[0]}:${creds[1]}`]) : []
      return run(netns, ['skopeo', '--insecure-policy', args[0]!, ...tlsArgs, ...credArgs, ...args.slice(1)], { timeoutMs: o.timeoutMs ?? 120_000 })
    }
    return {
      host,
      url,
      dir,
      storageDir,
      caFile,
      clientCert,
      clientKey,
      users,
      exec: (argv, o) => run(netns, argv, o),
      skopeo,
      push: (source, repoTag, extra = []) => {
        const r = skopeo(['copy', '-q', ...extra, source, `docker://${host}/${repoTag}`])
        if (r.code !== 0) throw new Error(`skopeo copy ${source} → ${host}/${repoTag}: ${r.stderr}`)
      },
      log: reg.out,
      tokenRequests: () => (tokenOut?.() ?? '').split('\n').filter((l) => l.startsWith('{') && !l.includes('"listening"')).map((l) => JSON.parse(l)),
      stop: async () => {
        for (const p of procs.reverse()) await stopProcess(p)
        rmSync(dir, { recursive: true, force: true })
      },
    }
  } catch (e) {
    for (const p of procs) await stopProcess(p)
    rmSync(dir, { recursive: true, force: true })
    throw e
  }
}

/**
 * A counting HTTP proxy in front of a plain-HTTP registry, in the same namespace. With `cutAfter`,
 * the first blob GET larger than that is cut after `cutAfter` body bytes (once).
 */
export async function startProxy(registry: TestRegistry, opts: { netns?: string; cutAfter?: number } = {}): Promise<TestProxy> {
  const port = await freePort(opts.netns)
  const p = await startProcess(opts.netns, [process.execPath, join(HELPERS, 'registry-proxy.mjs'), String(port), registry.host, String(opts.cutAfter ?? 0)],
    (out) => out.includes('"listening"'), 'registry proxy')
  const lines = () => p.out().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>)
  return {
    host: `127.0.0.1:${port}`,
    requests: () => lines().filter((l) => 'method' in l) as unknown as ReturnType<TestProxy['requests']>,
    cuts: () => lines().filter((l) => 'cut' in l).map((l) => String(l.cut)),
    stop: () => stopProcess(p.proc),
  }
}

/** One file of a test layer: a path relative to the root and its content (directories made as needed). */
export interface TestFile {
  path: string
  content: string | Buffer
  mode?: number
}

/** The uncompressed tar of `files`, with fixed owners and times so the diff ID is stable. */
async function layerTar(files: TestFile[]): Promise<Buffer> {
  const { default: tar } = await import('tar-stream')
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer))
  const ended = new Promise<void>((r) => pack.on('end', () => r()))
  const dirs = new Set<string>()
  for (const f of files) {
    const parts = f.path.split('/').slice(0, -1)
    for (let i = 1; i <= parts.length; i++) {
      const d = parts.slice(0, i).join('/')
      if (dirs.has(d)) continue
      dirs.add(d)
      pack.entry({ name: `${d}/`, type: 'directory', mode: 0o755, mtime: new Date(0), uid: 0, gid: 0 })
    }
    pack.entry({ name: f.path, mode: f.mode ?? 0o644, mtime: new Date(0), uid: 0, gid: 0 }, typeof f.content === 'string' ? Buffer.from(f.content) : f.content)
  }
  pack.finalize()
  await ended
  return Buffer.concat(chunks)
}

/**
 * Writes a docker-archive (as `docker save` makes) of an image whose layers hold `layers`
 * (bottom first), tagged `name`. Returns the image ID and diff IDs, to compare after a pull.
 */
export async function writeTestArchive(file: string, name: string, layers: TestFile[][], opts: { architecture?: string; cmd?: string[] } = {}): Promise<{ id: string; diffIds: string[] }> {
  const { createHash } = await import('node:crypto')
  const { default: tar } = await import('tar-stream')
  const { writeFile } = await import('node:fs/promises')
  const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex')
  const tars = await Promise.all(layers.map(layerTar))
  const diffIds = tars.map((t) => `sha256:${sha(t)}`)
  const config = Buffer.from(JSON.stringify({
    architecture: opts.architecture ?? 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: opts.cmd ?? ['sh'], Env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'] },
    rootfs: { type: 'layers', diff_ids: diffIds },
    history: layers.map(() => ({ created: '2024-01-01T00:00:00Z', created_by: 'test layer' })),
  }))
  const configName = `${sha(config)}.json`
  const pack = tar.pack()
  const chunks: Buffer[] = []
  pack.on('data', (c: unknown) => void chunks.push(c as Buffer))
  const ended = new Promise<void>((r) => pack.on('end', () => r()))
  pack.entry({ name: configName, mtime: new Date(0) }, config)
  const layerNames = tars.map((t) => `${sha(t)}/layer.tar`)
  tars.forEach((t, i) => pack.entry({ name: layerNames[i]!, mtime: new Date(0) }, t))
  pack.entry({ name: 'manifest.json', mtime: new Date(0) }, Buffer.from(JSON.stringify([{ Config: configName, RepoTags: [name], Layers: layerNames }])))
  pack.finalize()
  await ended
  await writeFile(file, Buffer.concat(chunks))
  return { id: `sha256:${sha(config)}`, diffIds }
}

/**
 * POST /images/create?fromImage=… on a test daemon's socket, with an X-Registry-Auth header
 * when `auth` is given; resolves with the status and the stream's JSON lines (or the error body).
 */
export async function apiPull(socket: string, fromImage: string, opts: { tag?: string; platform?: string; auth?: Record<string, string> } = {}): Promise<{ status: number; lines: Array<Record<string, any>>; body: any }> {
  const { request } = await import('node:http')
  const q = new URLSearchParams({ fromImage })
  if (opts.tag) q.set('tag', opts.tag)
  if (opts.platform) q.set('platform', opts.platform)
  const headers: Record<string, string> = opts.auth ? { 'X-Registry-Auth': Buffer.from(JSON.stringify(opts.auth)).toString('base64url') } : {}
  return new Promise((res, rej) => {
    const req = request({ socketPath: socket, method: 'POST', path: `/v1.47/images/create?${q}`, headers }, (r) => {
      let text = ''
      r.on('data', (c) => (text += c))
      r.on('end', () => {
        const lines = text.split('\r\n').filter((l) => l.trim()).map((l) => { try { return JSON.parse(l) } catch { return { raw: l } } })
        res({ status: r.statusCode ?? 0, lines, body: lines.length === 1 ? lines[0] : undefined })
      })
    })
    req.on('error', rej)
    req.end()
  })
}

/** Every file below `dir`, relative, sorted (for "nothing was stored" comparisons). */
export function listTree(dir: string): string[] {
  const out: string[] = []
  const walk = (rel: string) => {
    let entries: Array<{ name: string; isDirectory(): boolean }>
    try {
      entries = readdirSync(join(dir, rel), { withFileTypes: true })
    } catch {
      return
    }
    for (const e of entries) {
      const p = rel ? `${rel}/${e.name}` : e.name
      out.push(p)
      if (e.isDirectory()) walk(p)
    }
  }
  walk('')
  return out.sort()
}
