// Bearer tokens from a registry's token server (the distribution token spec), for sessions and
// logins alike: GET the realm with the service, scopes and Basic credentials, or, holding an
// identity token from an earlier login, POST an OAuth2 refresh-token grant. A login asks for
// offline access, so that a server which issues refresh tokens sends one back: dockerd returns
// it as the login's IdentityToken, which the CLI stores instead of the password.
import { BerthError } from '../lib/errors.js'
import { basicHeader, type AuthConfig } from './auth.js'
import type { TlsMaterial } from './endpoint.js'
import { tokenRefusal } from './errors.js'
import { readBody, type HttpClient, type HttpResponse } from './http.js'

/** Docker's OAuth client ID: the identity tokens that `docker login` stored were issued to it. */
export const CLIENT_ID = 'docker'

export interface TokenRequest {
  realm: string
  service: string
  scopes: string[]
  auth?: AuthConfig
  /** The registry's TLS material, when the realm is on the registry's own origin. */
  tls?: TlsMaterial
  /** The request that needed the token, which errors name: `Get "https://…/v2/"`. */
  what: string
  /** Ask for a refresh token as well (a login). */
  offline?: boolean
  signal?: AbortSignal
}

export interface Token {
  token: string
  /** Seconds, when the server said. */
  expiresIn?: number
  refreshToken?: string
}

export async function fetchToken(http: Pick<HttpClient, 'send'>, r: TokenRequest): Promise<Token> {
  const auth = r.auth
  const url = new URL(r.realm)
  let res: HttpResponse
  if (auth?.identitytoken) {
    const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.identitytoken, service: r.service, client_id: CLIENT_ID, scope: r.scopes.join(' ') })
    res = await http.send({ method: 'POST', url, tls: r.tls, signal: r.signal, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: Buffer.from(form.toString()) })
  } else {
    if (r.service) url.searchParams.set('service', r.service)
    for (const s of r.scopes) url.searchParams.append('scope', s)
    if (r.offline) {
      url.searchParams.set('offline_token', 'true')
      url.searchParams.set('client_id', CLIENT_ID)
    }
    if (auth?.username) url.searchParams.set('account', auth.username)
    const basic = auth ? basicHeader(auth) : undefined
    res = await http.send({ method: 'GET', url, tls: r.tls, signal: r.signal, headers: basic ? { Authorization: basic } : {} })
  }
  const body = (await readBody(res, 1 << 20)).toString('utf8')
  if (res.status !== 200) throw tokenRefusal(res.status, body, r.what)
  let j: { token?: string; access_token?: string; expires_in?: number; refresh_token?: string }
  try {
    j = JSON.parse(body) as typeof j
  } catch {
    throw new BerthError('unavailable', `${r.what}: unable to decode token response`)
  }
  // `access_token` and `token` mean the same (the spec allows either)
  const token = j.token || j.access_token
  if (!token) throw new BerthError('unavailable', `${r.what}: authorization server did not include a token in the response`)
  return { token, ...(typeof j.expires_in === 'number' ? { expiresIn: j.expires_in } : {}), ...(j.refresh_token ? { refreshToken: j.refresh_token } : {}) }
}
