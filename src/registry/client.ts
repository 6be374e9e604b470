// The registry client (OCI distribution API v2): one per daemon. `repository()` opens a session
// on one repository with the caller's credentials and wanted actions; the session picks the
// endpoint on its first request (Docker's order: https, then http for insecure registries, by a
// GET /v2/ that also collects the auth challenge) and authorizes every request (Basic or a cached
// Bearer token for its scope). Requests answered 401 are retried once with fresh authorization.
// Pull uses getManifest/openBlob; push builds on request/headBlob/mountBlob/uploadBlob/putManifest.
import type { Readable } from 'node:stream'
import { createHash } from 'node:crypto'
import { BerthError } from '../lib/errors.js'
import { basicHeader, parseChallenges, TokenCache, type AuthConfig, type Challenge } from './auth.js'
import { endpointsFor, type Endpoint, type RegistryPolicy } from './endpoint.js'
import { errorText, fromResponse, RegistryError } from './errors.js'
import { HttpClient, readBody, TransportError, type HttpResponse } from './http.js'
import { MANIFEST_ACCEPT } from './media-types.js'

export type Action = 'pull' | 'push'

export interface RepositoryAccess {
  /** The reference's domain: `docker.io`, `127.0.0.1:5000` (docker.io is served by registry-1.docker.io). */
  domain: string
  /** `library/busybox` */
  path: string
  auth?: AuthConfig
  actions: Action[]
  /** Other repositories the token must also cover with pull, e.g. the source of a cross-repo mount. */
  alsoPullFrom?: string[]
}

export interface FetchedManifest {
  bytes: Buffer
  /** The Content-Type the registry sent. */
  mediaType: string
  /** sha256 of the bytes, checked against Docker-Content-Digest and a digest reference. */
  digest: string
}

export interface BlobReader {
  body: Readable
  /** Bytes this answer will carry (from Content-Length), when known. */
  length?: number
  /** Where the answer starts: the offset asked for when the registry honoured the Range, else 0. */
  offset: number
}

export interface RequestOptions {
  headers?: Record<string, string>
  /** A buffer, or a function opening a fresh stream (called again on a retry). */
  body?: Buffer | (() => Readable)
  signal?: AbortSignal
}

export class RegistryClient {
  readonly tokens = new TokenCache()

  constructor(
    private readonly policy: RegistryPolicy,
    readonly http: HttpClient = new HttpClient(),
  ) {}

  repository(access: RepositoryAccess): Repository {
    return new Repository(access, this.policy, this.http, this.tokens)
  }

  close(): void {
    this.http.close()
  }
}

const sha256 = (b: Buffer) => 'sha256:' + createHash('sha256').update(b).digest('hex')

export class Repository {
  private endpoint?: Endpoint
  private challenge?: Challenge
  private settling?: Promise<void>
  /** The token cache key of the last bearer token sent. */
  private tokenKey?: string

  constructor(
    readonly access: RepositoryAccess,
    private readonly policy: RegistryPolicy,
    private readonly http: HttpClient,
    private readonly tokens: TokenCache,
  ) {}

  /** `https://host` once the session has picked its endpoint. */
  get origin(): string | undefined {
    return this.endpoint?.origin
  }

  /** Picks the endpoint and learns its challenge (GET /v2/), once per session. */
  private settle(signal?: AbortSignal): Promise<void> {
    this.settling ??= (async () => {
      const endpoints = await endpointsFor(this.access.domain, this.policy)
      let last: unknown
      for (const ep of endpoints) {
        try {
          const res = await this.http.send({ method: 'GET', url: new URL('/v2/', ep.origin), tls: ep.tls, signal })
          res.body.resume()
          this.endpoint = ep
          if (res.status === 401) this.challenge = parseChallenges(res.headers['www-authenticate'])[0]
          return
        } catch (e) {
          last = e
          if (!(e instanceof TransportError)) throw e
        }
      }
      throw last
    })()
    this.settling.catch(() => (this.settling = undefined))
    return this.settling
  }

  private scopes(): string[] {
    const own = `repository:${this.access.path}:${[...new Set(this.access.actions)].join(',')}`
    return [own, ...(this.access.alsoPullFrom ?? []).map((p) => `repository:${p}:pull`)]
  }

  private async authorization(what: string, signal?: AbortSignal): Promise<string | undefined> {
    const auth = this.access.auth
    const c = this.challenge
    if (!c) return undefined
    if (c.scheme === 'basic') return auth ? basicHeader(auth) : undefined
    if (c.scheme !== 'bearer') return undefined
    if (auth?.registrytoken) return `Bearer ${auth.registrytoken}`
    const realm = c.params.realm
    if (!realm) throw new BerthError('unavailable', `${what}: bearer challenge without a realm`)
    const service = c.params.service ?? ''
    const scopes = this.scopes()
    // keyed by a hash of the whole credential: a wrong password must not reuse a good token
    const who = auth ? createHash('sha256').update(JSON.stringify([auth.username, auth.password, auth.identitytoken])).digest('hex') : ''
    const key = TokenCache.key(realm, service, scopes.join(' '), who)
    this.tokenKey = key
    const cached = this.tokens.get(key)
    if (cached) return `Bearer ${cached}`
    const { token, expiresIn } = await this.fetchToken(realm, service, scopes, what, signal)
    this.tokens.set(key, token, expiresIn)
    return `Bearer ${token}`
  }

  private async fetchToken(realm: string, service: string, scopes: string[], what: string, signal?: AbortSignal): Promise<{ token: string; expiresIn?: number }> {
    const auth = this.access.auth
    const url = new URL(realm)
    const tls = url.origin === this.endpoint?.origin ? this.endpoint?.tls : undefined
    let res: HttpResponse
    if (auth?.identitytoken) {
      // OAuth2 refresh-token grant, as Docker does after a login that returned an identity token
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.identitytoken, service, client_id: 'berth', scope: scopes.join(' ') })
      res = await this.http.send({ method: 'POST', url, tls, signal, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) })
    } else {
      if (service) url.searchParams.set('service', service)
      for (const s of scopes) url.searchParams.append('scope', s)
      if (auth?.username) url.searchParams.set('account', auth.username)
      const basic = auth ? basicHeader(auth) : undefined
      res = await this.http.send({ method: 'GET', url, tls, signal, headers: basic ? { Authorization: basic } : {} })
    }
    const body = (await readBody(res)).toString('utf8')
    if (res.status !== 200) {
      let detail = ''
      try {
        const j = JSON.parse(body) as { details?: string; errors?: Array<{ code: string; message: string }> }
        detail = j.details ? `unauthorized: ${j.details}` : j.errors?.[0] ? errorText(j.errors[0].code, j.errors[0].message) : ''
      } catch {
        // not JSON
      }
      throw new RegistryError('forbidden', `${what}: ${detail || errorText('UNAUTHORIZED', 'authentication required')}`, 'UNAUTHORIZED', res.status)
    }
    const j = JSON.parse(body) as { token?: string; access_token?: string; expires_in?: number }
    const token = j.token || j.access_token
    if (!token) throw new BerthError('unavailable', `${what}: the token server sent no token`)
    return { token, expiresIn: j.expires_in }
  }

  /**
   * A request with authorization. `target` is a path below the origin (`/v2/…`) or an absolute
   * URL (an upload's Location). A 401 is retried once after learning the challenge it carries;
   * any answer is returned as is (check the status; `fail()` makes the error).
   */
  async request(method: string, target: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    await this.settle(opts.signal)
    const ep = this.endpoint!
    const url = new URL(target, ep.origin)
    const what = `${method.charAt(0)}${method.slice(1).toLowerCase()} "${url.href}"`
    for (let attempt = 0; ; attempt++) {
      const authz = url.origin === ep.origin ? await this.authorization(what, opts.signal) : undefined
      const body = typeof opts.body === 'function' ? opts.body() : opts.body
      const res = await this.http.send({ method, url, tls: url.origin === ep.origin ? ep.tls : undefined, signal: opts.signal, body, headers: { ...opts.headers, ...(authz ? { Authorization: authz } : {}) } })
      if (res.status !== 401 || attempt > 0) {
        if (res.status === 401 && this.challenge?.scheme === 'basic' && !this.access.auth?.username) {
          res.body.resume()
          throw new RegistryError('forbidden', `${what}: no basic auth credentials`, 'UNAUTHORIZED', 401)
        }
        return res
      }
      const fresh = parseChallenges(res.headers['www-authenticate'])[0]
      if (!fresh) return res
      res.body.resume()
      this.challenge = fresh
      if (this.tokenKey) this.tokens.forget(this.tokenKey) // refused: ask the realm again
      if (fresh.scheme === 'basic' && !this.access.auth?.username) {
        throw new RegistryError('forbidden', `${what}: no basic auth credentials`, 'UNAUTHORIZED', 401)
      }
    }
  }

  /** Reads the error answer into a RegistryError. */
  async fail(res: HttpResponse, what: string): Promise<RegistryError> {
    const body = res.status === 404 || res.headers['content-type']?.includes('json') ? (await readBody(res, 1 << 20).catch(() => Buffer.alloc(0))).toString('utf8') : (res.body.resume(), '')
    return fromResponse(res.status, body, what)
  }

  /** GET a manifest or index by tag or digest, its digest verified. */
  async getManifest(reference: string, signal?: AbortSignal): Promise<FetchedManifest> {
    const path = `/v2/${this.access.path}/manifests/${reference}`
    const res = await this.request('GET', path, { signal, headers: { Accept: MANIFEST_ACCEPT.join(', ') } })
    if (res.status !== 200) throw await this.fail(res, `GET ${path}`)
    const bytes = await readBody(res, 4 << 20)
    const digest = sha256(bytes)
    const expected = reference.startsWith('sha256:') ? reference : (res.headers['docker-content-digest'] as string | undefined)
    if (expected && expected.startsWith('sha256:') && expected !== digest) {
      throw new BerthError('invalid', `manifest verification failed for digest ${expected}`)
    }
    return { bytes, mediaType: String(res.headers['content-type'] ?? ''), digest }
  }

  /** HEAD a manifest: its digest, type and size, or undefined when the registry does not have it. */
  async headManifest(reference: string, signal?: AbortSignal): Promise<{ digest?: string; mediaType: string; size: number } | undefined> {
    const path = `/v2/${this.access.path}/manifests/${reference}`
    const res = await this.request('HEAD', path, { signal, headers: { Accept: MANIFEST_ACCEPT.join(', ') } })
    res.body.resume()
    if (res.status === 404) return undefined
    if (res.status !== 200) throw await this.fail(res, `HEAD ${path}`)
    const digest = res.headers['docker-content-digest'] as string | undefined
    return { ...(digest ? { digest } : {}), mediaType: String(res.headers['content-type'] ?? ''), size: Number(res.headers['content-length'] ?? 0) }
  }

  /**
   * Opens a blob, from `offset` when given (Range). The caller verifies the digest while reading
   * and must consume or destroy `body`.
   */
  async openBlob(digest: string, opts: { offset?: number; signal?: AbortSignal } = {}): Promise<BlobReader> {
    const path = `/v2/${this.access.path}/blobs/${digest}`
    const headers: Record<string, string> = opts.offset ? { Range: `bytes=${opts.offset}-` } : {}
    let res = await this.request('GET', path, { signal: opts.signal, headers })
    // the filesystem driver answers 307 to storage redirects on some registries: follow one hop, without our auth
    if (res.status >= 300 && res.status < 400 && res.headers.location) {
      res.body.resume()
      res = await this.http.send({ method: 'GET', url: new URL(res.headers.location, this.endpoint!.origin), headers, signal: opts.signal })
    }
    if (res.status !== 200 && res.status !== 206) throw await this.fail(res, `GET ${path}`)
    const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined
    return { body: res.body, ...(length !== undefined ? { length } : {}), offset: res.status === 206 ? (opts.offset ?? 0) : 0 }
  }

  /** HEAD a blob: its size, or undefined when absent. */
  async headBlob(digest: string, signal?: AbortSignal): Promise<number | undefined> {
    const path = `/v2/${this.access.path}/blobs/${digest}`
    const res = await this.request('HEAD', path, { signal })
    res.body.resume()
    if (res.status === 404) return undefined
    if (res.status !== 200) throw await this.fail(res, `HEAD ${path}`)
    return Number(res.headers['content-length'] ?? 0)
  }

  /** Cross-repository mount (POST …/uploads/?mount=&from=); true when the registry mounted it. */
  async mountBlob(digest: string, fromPath: string, signal?: AbortSignal): Promise<boolean> {
    const path = `/v2/${this.access.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromPath)}`
    const res = await this.request('POST', path, { signal, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) })
    res.body.resume()
    if (res.status === 201) return true
    if (res.status === 202) {
      // the registry opened an upload instead: cancel it
      const loc = res.headers.location
      if (loc) await this.request('DELETE', loc, { signal }).then((r) => r.body.resume(), () => undefined)
      return false
    }
    throw await this.fail(res, `POST ${path}`)
  }

  /** Monolithic upload: POST to open, PUT the bytes with ?digest=. */
  async uploadBlob(digest: string, size: number, open: () => Readable, signal?: AbortSignal): Promise<void> {
    const start = `/v2/${this.access.path}/blobs/uploads/`
    const opened = await this.request('POST', start, { signal, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) })
    opened.body.resume()
    if (opened.status !== 202 || !opened.headers.location) throw await this.fail(opened, `POST ${start}`)
    const url = new URL(opened.headers.location, this.endpoint!.origin)
    url.searchParams.set('digest', digest)
    const put = await this.request('PUT', url.href, { signal, body: open, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) } })
    put.body.resume()
    if (put.status !== 201) throw await this.fail(put, `PUT ${url.pathname}`)
  }

  /** PUT a manifest or index under a tag or digest; returns the digest the registry reports. */
  async putManifest(reference: string, bytes: Buffer, mediaType: string, signal?: AbortSignal): Promise<string> {
    const path = `/v2/${this.access.path}/manifests/${reference}`
    const res = await this.request('PUT', path, { signal, body: bytes, headers: { 'Content-Type': mediaType, 'Content-Length': String(bytes.length) } })
    if (res.status !== 201 && res.status !== 200) throw await this.fail(res, `PUT ${path}`)
    res.body.resume()
    return (res.headers['docker-content-digest'] as string | undefined) ?? sha256(bytes)
  }
}

