// `docker login` on the daemon side: checks credentials against a registry's /v2/ as dockerd's
// loginV2 does. The registry's challenge says how: Basic (send the credentials with GET /v2/) or
// Bearer (ask the realm for a token with the credentials, no scope, offline access, then GET
// /v2/ with it; a refresh token that comes back is the answer's IdentityToken). An insecure
// registry's endpoints are tried in order (https unverified, then http) until one answers; a
// refusal of the credentials ends the attempt at once. Nothing is stored here: the client
// stores the login.
import { BerthError } from '../lib/errors.js'
import { basicHeader, parseChallenges, pickChallenge, type AuthConfig } from './auth.js'
import { endpointsFor, HUB_DOMAIN, type Endpoint, type RegistryPolicy } from './endpoint.js'
import { TransportError, type HttpClient } from './http.js'
import { fetchToken } from './token.js'

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

// dockerd's loginV2 says so in a plain error, of no errdefs class: the API answers 500 (even for a
// wrong password against a Basic registry; only a token server's refusal is a 401)
const refused = (url: string, status: number) =>
  new BerthError('internal', `login attempt to ${url} failed with status: ${status} ${STATUS_TEXT[status] ?? ''}`.trimEnd())

/**
 * Logs in at one endpoint; returns the identity token to keep (a refresh token the token server
 * issued, else the one the login used, else '').
 */
async function loginAt(http: Sender, ep: Endpoint, auth: AuthConfig): Promise<string> {
  const v2 = `${ep.origin}/v2/`
  const first = await http.send({ method: 'GET', url: new URL(v2), tls: ep.tls })
  first.body.resume()
  if (first.status === 200) return auth.identitytoken ?? ''
  if (first.status !== 401) throw refused(v2, first.status)
  const challenge = pickChallenge(parseChallenges(first.headers['www-authenticate']))
  let authorization: string | undefined
  let identity = auth.identitytoken ?? ''
  if (challenge?.scheme === 'basic') {
    authorization = basicHeader(auth)
    // Go's Basic handler fails the request without a username (a 500 from dockerd)
    if (!authorization) throw new BerthError('internal', `Get "${v2}": no basic auth credentials`)
  } else if (challenge?.scheme === 'bearer') {
    const realm = challenge.params.realm
    if (!realm) throw new BerthError('unavailable', `Get "${v2}": bearer challenge without a realm`)
    // no scope: a login only proves the credentials. dockerd: a token server's 401 is
    // errdefs.Unauthorized (API 401), and ends the login at once.
    const t = await fetchToken(http, { realm, service: challenge.params.service ?? '', scopes: [], auth, tls: new URL(realm).origin === ep.origin ? ep.tls : undefined, what: `Get "${v2}"`, offline: true })
    authorization = `Bearer ${t.token}`
    identity = t.refreshToken ?? identity
  }
  if (!authorization) throw refused(v2, 401)
  const second = await http.send({ method: 'GET', url: new URL(v2), tls: ep.tls, headers: { Authorization: authorization } })
  second.body.resume()
  if (second.status !== 200) throw refused(v2, second.status)
  return identity
}

/** Checks `auth` against its server's registry; throws Docker's message when refused. */
export async function checkLogin(http: Sender, policy: RegistryPolicy, auth: AuthConfig): Promise<LoginResult> {
  const endpoints = await endpointsFor(loginDomain(auth.serveraddress), policy)
  let last: unknown
  for (const ep of endpoints) {
    try {
      return { Status: 'Login Succeeded', IdentityToken: await loginAt(http, ep, auth) }
    } catch (e) {
      // only a transport failure moves on to the next endpoint; a refusal is final
      if (!(e instanceof TransportError)) throw e
      last = e
    }
  }
  throw last
}
