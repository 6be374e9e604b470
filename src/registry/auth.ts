// Registry credentials and challenges. Credentials arrive per request in the X-Registry-Auth
// header (base64url JSON, Docker's AuthConfig). A registry's 401 carries WWW-Authenticate:
// Basic (send the username and password) or Bearer (get a token from the realm for the wanted
// scope, with the credentials when given, and send that). Tokens are cached per realm, service,
// scope and credential until they expire.
import { BerthError } from '../lib/errors.js'

/** Docker's AuthConfig as it appears in X-Registry-Auth. */
export interface AuthConfig {
  username?: string
  password?: string
  /** base64("user:password"), as in a docker config.json */
  auth?: string
  serveraddress?: string
  /** An OAuth refresh token from a previous login. */
  identitytoken?: string
  /** A bearer token to send as is. */
  registrytoken?: string
  email?: string
}

/**
 * Decodes an X-Registry-Auth value. Empty or `{}` means anonymous (undefined). Docker clients
 * use base64url; older ones standard base64: both decode. Bad input is Docker's 400.
 */
export function decodeAuthHeader(value: string | null | undefined): AuthConfig | undefined {
  if (!value || value.trim() === '') return undefined
  let parsed: unknown
  try {
    const text = Buffer.from(value.trim().replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('utf8')
    parsed = JSON.parse(text)
  } catch {
    throw new BerthError('invalid', 'invalid X-Registry-Auth header: invalid character in JSON')
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return undefined
  const a = parsed as Record<string, unknown>
  const str = (k: string) => (typeof a[k] === 'string' && a[k] !== '' ? (a[k] as string) : undefined)
  const out: AuthConfig = {}
  for (const k of ['username', 'password', 'auth', 'serveraddress', 'identitytoken', 'registrytoken', 'email'] as const) {
    const v = str(k)
    if (v !== undefined) out[k] = v
  }
  withUserFromAuth(out)
  return Object.keys(out).length > 0 ? out : undefined
}

/** Fills username and password from `auth` (base64 of user:password) when only that was given. */
export function withUserFromAuth(a: AuthConfig): AuthConfig {
  if (a.auth && !a.username) {
    const plain = Buffer.from(a.auth, 'base64').toString('utf8')
    const colon = plain.indexOf(':')
    if (colon > 0) {
      a.username = plain.slice(0, colon)
      a.password = plain.slice(colon + 1)
    }
  }
  return a
}

/** Encodes credentials for X-Registry-Auth (what the CLI and tests send). */
export const encodeAuthHeader = (a: AuthConfig): string => Buffer.from(JSON.stringify(a)).toString('base64url')

export interface Challenge {
  scheme: string
  params: Record<string, string>
}

/**
 * Parses `Bearer realm="…",service="…",scope="…"`. Node joins repeated WWW-Authenticate headers
 * with ", ", so a value may hold several challenges (RFC 9110 §11.6.1): after a comma, a name
 * followed by `=` is one more parameter and any other token starts the next challenge, whatever
 * its scheme. Quoted values may hold commas and escapes. A token68 credential is skipped.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const values = Array.isArray(header) ? header : header ? [header] : []
  const out: Challenge[] = []
  const TOKEN = /[!#$%&'*+.^_`|~0-9A-Za-z-]+/y
  const PARAM = /([!#$%&'*+.^_`|~0-9A-Za-z-]+)[ \t]*=[ \t]*(?:"((?:[^"\\]|\\.)*)"|([!#$%&'*+.^_`|~0-9A-Za-z-]*))/y
  const SKIP = /[\s,]*/y
  const TOKEN68 = /[A-Za-z0-9._~+/-]+=*(?=[\s,]|$)/y
  const at = (re: RegExp, v: string, i: number) => ((re.lastIndex = i), re.exec(v))
  for (const v of values) {
    let i = 0
    let current: Challenge | undefined
    while (i < v.length) {
      i += at(SKIP, v, i)![0].length
      if (i >= v.length) break
      const param = current && at(PARAM, v, i)
      if (param) {
        current!.params[param[1]!.toLowerCase()] = param[2] !== undefined ? param[2].replace(/\\(.)/g, '$1') : param[3]!
        i += param[0].length
        continue
      }
      const token = at(TOKEN, v, i)
      if (!token) {
        i++ // not HTTP syntax: step over it
        continue
      }
      current = { scheme: token[0].toLowerCase(), params: {} }
      out.push(current)
      i += token[0].length
      const blank = /^[ \t]+/.exec(v.slice(i))?.[0].length ?? 0
      // `abc==` is a token68, `a=b` a parameter: the token68 must end at a comma or the end
      const t68 = blank > 0 ? at(TOKEN68, v, i + blank) : null
      if (t68) i += blank + t68[0].length
    }
  }
  return out
}

/**
 * The challenge to answer among those offered: Bearer before Basic, the order in which Docker's
 * client registers its handlers, whatever order the registry listed them in.
 */
export function pickChallenge(challenges: Challenge[]): Challenge | undefined {
  return challenges.find((c) => c.scheme === 'bearer') ?? challenges.find((c) => c.scheme === 'basic') ?? challenges[0]
}

export const basicHeader = (a: AuthConfig): string | undefined =>
  a.username !== undefined ? `Basic ${Buffer.from(`${a.username}:${a.password ?? ''}`).toString('base64')}` : undefined

interface CachedToken {
  token: string
  expires: number
}

/** Bearer tokens by realm, service, scope and credential; an entry is dropped a little before it expires. */
export class TokenCache {
  private readonly tokens = new Map<string, CachedToken>()

  static key(realm: string, service: string, scope: string, credential: string): string {
    return JSON.stringify([realm, service, scope, credential])
  }

  get(key: string, now = Date.now()): string | undefined {
    const t = this.tokens.get(key)
    if (!t) return undefined
    if (t.expires <= now) {
      this.tokens.delete(key)
      return undefined
    }
    return t.token
  }

  /** `expiresIn` in seconds; the spec's default is 60. Ten seconds of slack for clock and latency. */
  set(key: string, token: string, expiresIn = 60, now = Date.now()): void {
    // a long-lived daemon meets many scopes: expired entries go as new ones come
    for (const [k, t] of this.tokens) if (t.expires <= now) this.tokens.delete(k)
    this.tokens.set(key, { token, expires: now + Math.max(expiresIn - 10, 1) * 1000 })
  }

  /** Drops a token the registry refused (revoked or expired early). */
  forget(key: string): void {
    this.tokens.delete(key)
  }

  clear(): void {
    this.tokens.clear()
  }
}
