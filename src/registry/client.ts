// The registry client (OCI distribution API v2): one per daemon. `repository()` opens a session
// on one repository with the caller's credentials and wanted actions; the session picks the
// endpoint on its first request (Docker's order: https, then http for insecure registries, by a
// GET /v2/ that also collects the auth challenge) and authorizes every request (Basic or a cached
// Bearer token for its scope). Requests answered 401 are retried once with fresh authorization.
// Pull uses getManifest/openBlob (and listTags for --all-tags); push uses headBlob/mountBlob/putManifest and upload.ts for blobs.
import type { Readable } from 'node:stream'
import { createHash } from 'node:crypto'
import { BerthError } from '../lib/errors.js'
import { basicHeader, parseChallenges, pickChallenge, TokenCache, type AuthConfig, type Challenge } from './auth.js'
import { endpointsFor, type Endpoint, type RegistryPolicy } from './endpoint.js'
import { fromResponse, RegistryError } from './errors.js'
import { HttpClient, readBody, TransportError, type HttpResponse } from './http.js'
import { MANIFEST_ACCEPT } from './media-types.js'
import { fetchToken } from './token.js'

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

export type MountResult = { mounted: true } | { mounted: false; location?: string }

export interface RequestOptions {
  headers?: Record<string, string>
  /** Sent again as is when a 401 is retried; uploads stream through upload.ts in bounded chunks. */
  body?: Buffer
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

// Go's auth transport fails the request itself (a url.Error around ErrNoBasicAuthCredentials), an
// error of no errdefs class: dockerd answers it with 500.
const noBasicCredentials = (what: string) => new RegistryError('internal', `${what}: no basic auth credentials`, 'UNAUTHORIZED', 401)

/** The URL of a `Link` header's rel="next" entry (RFC 8288), as registries page tag lists. */
export function nextLink(header: string | string[] | undefined): string | undefined {
  const text = Array.isArray(header) ? header.join(', ') : header
  if (!text) return undefined
  for (const m of text.matchAll(/<([^>]*)>((?:\s*;\s*[^;,]+)*)/g)) {
    const params = m[2]!.split(';').map((p) => p.trim())
    if (params.some((p) => /^rel\s*=\s*"?([^"]*)"?$/i.exec(p)?.[1]!.split(/\s+/).includes('next'))) return m[1]
  }
  return undefined
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
          if (res.status === 401) this.challenge = pickChallenge(parseChallenges(res.headers['www-authenticate']))
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
    const tls = new URL(realm).origin === this.endpoint?.origin ? this.endpoint?.tls : undefined
    const { token, expiresIn } = await fetchToken(this.http, { realm, service, scopes, auth, tls, what, signal })
    this.tokens.set(key, token, expiresIn)
    return `Bearer ${token}`
  }

  /**
   * A request with authorization. `target` is a path below the origin (`/v2/…`) or an absolute
   * URL (an upload's Location); only the registry's origin gets credentials. A 401 is retried
   * once after learning the challenge it carries; any answer is returned as is, its Location
   * made absolute (check the status; `fail()` makes the error).
   */
  async request(method: string, target: string, opts: RequestOptions = {}): Promise<HttpResponse> {
    await this.settle(opts.signal)
    const ep = this.endpoint!
    const url = new URL(target, ep.origin)
    const what = `${method.charAt(0)}${method.slice(1).toLowerCase()} "${url.href}"`
    for (let attempt = 0; ; attempt++) {
      const authz = url.origin === ep.origin ? await this.authorization(what, opts.signal) : undefined
      const res = await this.http.send({ method, url, tls: url.origin === ep.origin ? ep.tls : undefined, signal: opts.signal, body: opts.body, headers: { ...opts.headers, ...(authz ? { Authorization: authz } : {}) } })
      // a Location is relative to the URL it answers (RFC 9110 §10.2.2), not to the origin: callers get it absolute
      const location = res.headers.location
      if (location) res.headers.location = URL.canParse(location, url) ? new URL(location, url).href : location
      // only the registry's own challenges count: an upload or a redirect may lead elsewhere
      if (res.status !== 401 || attempt > 0 || url.origin !== ep.origin) {
        if (res.status === 401 && url.origin === ep.origin && this.challenge?.scheme === 'basic' && !this.access.auth?.username) {
          res.body.resume()
          throw noBasicCredentials(what)
        }
        return res
      }
      const fresh = pickChallenge(parseChallenges(res.headers['www-authenticate']))
      if (!fresh) return res
      res.body.resume()
      this.challenge = fresh
      if (this.tokenKey) this.tokens.forget(this.tokenKey) // refused: ask the realm again
      if (fresh.scheme === 'basic' && !this.access.auth?.username) throw noBasicCredentials(what)
    }
  }

  /** Reads the error answer into a RegistryError. */
  async fail(res: HttpResponse, what: string): Promise<RegistryError> {
    const readable = [401, 403, 404, 429].includes(res.status) || res.headers['content-type']?.includes('json')
    const body = readable ? (await readBody(res, 1 << 20).catch(() => Buffer.alloc(0))).toString('utf8') : (res.body.resume(), '')
    return fromResponse(res.status, body, what, parseChallenges(res.headers['www-authenticate']))
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

  /**
   * Every tag of the repository (GET …/tags/list), in the registry's order. A registry that pages
   * its answer names the next page in a `Link: <…>; rel="next"` header, relative to the page it
   * answers; pages are followed until there is none, as Docker's distribution client does.
   */
  async listTags(signal?: AbortSignal): Promise<string[]> {
    const tags: string[] = []
    let target = `/v2/${this.access.path}/tags/list`
    const seen = new Set<string>()
    for (;;) {
      const res = await this.request('GET', target, { signal, headers: { Accept: 'application/json' } })
      if (res.status !== 200) throw await this.fail(res, `GET ${target}`)
      const url = new URL(target, this.endpoint!.origin).href
      seen.add(url)
      const text = (await readBody(res, 4 << 20)).toString('utf8')
      let page: { tags?: unknown }
      try {
        page = JSON.parse(text) as { tags?: unknown }
      } catch {
        throw new BerthError('invalid', `GET ${target}: the registry's tag list is not JSON`)
      }
      // a repository whose tags were all deleted answers "tags": null
      if (page.tags !== null && page.tags !== undefined) {
        if (!Array.isArray(page.tags) || !page.tags.every((t) => typeof t === 'string')) throw new BerthError('invalid', `GET ${target}: the registry's tag list is malformed`)
        tags.push(...(page.tags as string[]))
      }
      const next = nextLink(res.headers.link)
      if (next === undefined) return tags
      const nextUrl = URL.canParse(next, url) ? new URL(next, url).href : undefined
      if (nextUrl === undefined) throw new BerthError('invalid', `GET ${target}: bad Link header ${JSON.stringify(res.headers.link)}`)
      // a registry that names a page already read would keep us here forever
      if (seen.has(nextUrl)) throw new BerthError('invalid', `GET ${target}: the registry's next page (${next}) was read already`)
      target = nextUrl
    }
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
    const res = await this.blobRequest('GET', path, { signal: opts.signal, headers })
    if (res.status !== 200 && res.status !== 206) throw await this.fail(res, `GET ${path}`)
    // a partial answer must start where it was asked to, or the bytes would land in the wrong place
    const from = /^bytes (\d+)-/.exec(String(res.headers['content-range'] ?? ''))?.[1]
    if (res.status === 206 && from !== undefined && Number(from) !== (opts.offset ?? 0)) {
      res.body.destroy()
      throw new BerthError('invalid', `GET ${path}: the registry sent bytes from ${from}, not from ${opts.offset ?? 0}`)
    }
    const length = res.headers['content-length'] !== undefined ? Number(res.headers['content-length']) : undefined
    return { body: res.body, ...(length !== undefined ? { length } : {}), offset: res.status === 206 ? (opts.offset ?? 0) : 0 }
  }

  /**
   * A blob GET or HEAD. Registries backed by object storage redirect these (307, for HEAD as
   * well): one hop is followed, as Go's client does. request() sends credentials and the
   * registry's TLS material only back to the registry's own origin.
   */
  private async blobRequest(method: 'GET' | 'HEAD', path: string, opts: RequestOptions): Promise<HttpResponse> {
    const res = await this.request(method, path, opts)
    if (res.status < 300 || res.status >= 400 || !res.headers.location) return res
    res.body.resume()
    return this.request(method, res.headers.location, opts)
  }

  /** HEAD a blob: its size, or undefined when absent. */
  async headBlob(digest: string, signal?: AbortSignal): Promise<number | undefined> {
    const path = `/v2/${this.access.path}/blobs/${digest}`
    const res = await this.blobRequest('HEAD', path, { signal })
    res.body.resume()
    if (res.status === 404) return undefined
    if (res.status !== 200) throw await this.fail(res, `HEAD ${path}`)
    return Number(res.headers['content-length'] ?? 0)
  }

  /**
   * Cross-repository mount (POST …/uploads/?mount=&from=). A registry that cannot mount opens an
   * upload session instead (202): its location is returned for the caller to use or cancel, as
   * Docker does, so that no session is left open on the registry.
   */
  async mountBlob(digest: string, fromPath: string, signal?: AbortSignal): Promise<MountResult> {
    const path = `/v2/${this.access.path}/blobs/uploads/?mount=${encodeURIComponent(digest)}&from=${encodeURIComponent(fromPath)}`
    const res = await this.request('POST', path, { signal, headers: { 'Content-Length': '0' }, body: Buffer.alloc(0) })
    if (res.status !== 201 && res.status !== 202) throw await this.fail(res, `POST ${path}`)
    res.body.resume()
    if (res.status === 201) return { mounted: true }
    return res.headers.location ? { mounted: false, location: res.headers.location } : { mounted: false }
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

