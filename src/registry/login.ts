// `docker login` on the daemon side: checks credentials against a registry's /v2/ as dockerd's
// loginV2 does. The registry's challenge says how: Basic (send the credentials with GET /v2/) or
// Bearer (ask the realm for a token with the credentials, no scope, then GET /v2/ with it). An
// insecure registry's endpoints are tried in order (https unverified, then http) until one
// answers; a refusal of the credentials ends the attempt at once. Nothing is stored here: the
// client stores the login.
import { BerthError } from '../lib/errors.js'
import { basicHeader, parseChallenges, type AuthConfig, type Challenge } from './auth.js'
import { endpointsFor, HUB_DOMAIN, type Endpoint, type RegistryPolicy } from './endpoint.js'
import { errorText } from './errors.js'
import { readBody, TransportError, type HttpClient } from './http.js'

type Sender = Pick<HttpClient, 'send'>

export interface LoginResult {
  Status: string
  IdentityToken: string
}

const STATUS_TEXT: Record<number, string> = { 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 500: 'Internal Server Error', 502: 'Bad Gateway', 503: 'Service Unavailable' }

/** The registry domain of a login's server address: `https://host:5000/v2/` → `host:5000`; empty → Docker Hub. */
export function loginDomain(serverAddress: string | undefined): string {
  if (!serverAddress) return HUB_DOMAIN
  const s = /^https?:\/\//.test(serverAddress) ? serverAddress : `https://${serverAddress}`
  let host: string
  try {
    host = new URL(s).host
  } catch {
    throw new BerthError('invalid', `unable to parse server address: parse "${s}": invalid URL`)
  }
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? HUB_DOMAIN : host
}

const refused = (url: string, status: number) =>
  new BerthError('forbidden', `login attempt to ${url} failed with status: ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd())

/** A bearer token for `auth` from the challenge's realm (no scope: a login only proves the credentials). */
async function bearerToken(http: Sender, ep: Endpoint, c: Challenge, auth: AuthConfig, v2: string): Promise<string> {
  const realm = c.params.realm
  if (!realm) throw new BerthError('unavailable', `Get "${v2}": bearer challenge without a realm`)
  const url = new URL(realm)
  if (c.params.service) url.searchParams.set('service', c.params.service)
  if (auth.username) url.searchParams.set('account', auth.username)
  const basic = basicHeader(auth)
  const res = await http.send({ method: 'GET', url, tls: url.origin === ep.origin ? ep.tls : undefined, headers: basic ? { Authorization: basic } : {} })
  const body = (await readBody(res, 1 << 20)).toString('utf8')
  if (res.status !== 200) {
    let detail = errorText('UNAUTHORIZED', 'authentication required')
    try {
      const j = JSON.parse(body) as { details?: string; errors?: Array<{ code: string; message: string }> }
      if (j.details) detail = `unauthorized: ${j.details}`
      else if (j.errors?.[0]) detail = errorText(j.errors[0].code, j.errors[0].message)
    } catch {
      // not JSON: keep the generic text
    }
    throw new BerthError('forbidden', `Get "${v2}": ${detail}`)
  }
  const j = JSON.parse(body) as { token?: string; access_token?: string }
  const token = j.token || j.access_token
  if (!token) throw new BerthError('unavailable', `Get "${v2}": the token server sent no token`)
  return token
}

async function loginAt(http: Sender, ep: Endpoint, auth: AuthConfig): Promise<void> {
  const v2 = `${ep.origin}/v2/`
  const first = await http.send({ method: 'GET', url: new URL(v2), tls: ep.tls })
  first.body.resume()
  if (first.status === 200) return
  if (first.status !== 401) throw refused(v2, first.status)
  const challenge = parseChallenges(first.headers['www-authenticate'])[0]
  let authorization: string | undefined
  if (challenge?.scheme === 'basic') authorization = basicHeader(auth)
  else if (challenge?.scheme === 'bearer') authorization = `Bearer ${await bearerToken(http, ep, challenge, auth, v2)}`
  if (!authorization) throw refused(v2, 401)
  const second = await http.send({ method: 'GET', url: new URL(v2), tls: ep.tls, headers: { Authorization: authorization } })
  second.body.resume()
  if (second.status !== 200) throw refused(v2, second.status)
}

/** Checks `auth` against its server's registry; throws Docker's message when refused. */
export async function checkLogin(http: Sender, policy: RegistryPolicy, auth: AuthConfig): Promise<LoginResult> {
  const endpoints = await endpointsFor(loginDomain(auth.serveraddress), policy)
  let last: unknown
  for (const ep of endpoints) {
    try {
      await loginAt(http, ep, auth)
      return { Status: 'Login Succeeded', IdentityToken: '' }
    } catch (e) {
      // only a transport failure moves on to the next endpoint; a refusal is final
      if (!(e instanceof TransportError)) throw e
      last = e
    }
  }
  throw last
}
