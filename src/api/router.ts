// Maps (method, path) to a handler and runs it. No sockets here: the server decodes the HTTP
// request into an ApiRequest, and unit tests build ApiRequests by hand.
//
// Patterns: literal segments, `{name}` for one segment, `{name*}` for one or more segments
// (image names contain slashes: /images/{name*}/json). Greedy params take the longest match,
// like moby's `{name:.*}`. When several routes match, the most specific wins: fewer greedy
// params, then fewer params, then longer literal text; so /images/json beats /images/{name*}.
// Unknown paths and wrong methods both answer Docker's 404 "page not found". HEAD matches only
// routes declared with HEAD, as dockerd has no implicit HEAD→GET fallback.
import { BerthError } from '../lib/errors.js'
import { errorResult } from './errors.js'
import type { ApiRequest, ApiResult, Handler, Route } from './types.js'
import { checkApiVersion, compareVersions } from './version.js'

export type RouteMatch =
  | { route: Route; handler: Handler; params: Record<string, string> }
  | { notFound: true }
  | { methodNotAllowed: true }

interface Compiled {
  route: Route
  regex: RegExp
  names: string[]
  /** Sort key: lower is more specific. */
  rank: [number, number, number]
}

const SEGMENT = /^\{([A-Za-z_][A-Za-z0-9_]*)(\*?)\}$/

function compile(route: Route): Compiled {
  if (!route.pattern.startsWith('/')) throw new Error(`route pattern must start with "/": ${route.pattern}`)
  const names: string[] = []
  let greedy = 0
  let literal = 0
  const parts = route.pattern
    .split('/')
    .slice(1)
    .map((seg) => {
      const m = SEGMENT.exec(seg)
      if (!m) {
        literal += seg.length + 1
        return seg.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
      }
      names.push(m[1])
      if (m[2]) greedy++
      return m[2] ? '(.+)' : '([^/]+)'
    })
  const regex = new RegExp(`^/${parts.join('/')}$`)
  return { route, regex, names, rank: [greedy, names.length, -literal] }
}

const compareRank = (a: Compiled, b: Compiled) =>
  a.rank[0] - b.rank[0] || a.rank[1] - b.rank[1] || a.rank[2] - b.rank[2]

function decodeParam(value: string): string {
  try {
    return decodeURIComponent(value)
  } catch {
    throw new BerthError('invalid', `invalid URL escape in ${JSON.stringify(value)}`)
  }
}

export const pageNotFound = () => new BerthError('not-found', 'page not found')

export class Router {
  private readonly compiled: Compiled[]

  constructor(routes: readonly Route[]) {
    const seen = new Set<string>()
    for (const r of routes) {
      const key = `${r.method} ${r.pattern}`
      if (seen.has(key)) throw new Error(`duplicate route ${key}`)
      seen.add(key)
    }
    this.compiled = routes.map(compile).sort(compareRank)
  }

  /** `path` is the request path without the version prefix and without the query string. */
  match(method: string, path: string): RouteMatch {
    let pathMatched = false
    for (const c of this.compiled) {
      const m = c.regex.exec(path)
      if (!m) continue
      if (c.route.method !== method) {
        pathMatched = true
        continue
      }
      const params: Record<string, string> = {}
      c.names.forEach((name, i) => (params[name] = decodeParam(m[i + 1])))
      return { route: c.route, handler: c.route.handler, params }
    }
    return pathMatched ? { methodNotAllowed: true } : { notFound: true }
  }

  /**
   * Throws the error dockerd answers before running a matched route: 404 for no route,
   * 400 for an unsupported client version or a route newer than the client.
   */
  check(method: string, path: string, version: string): Extract<RouteMatch, { handler: Handler }> {
    const m = this.match(method, path)
    if (!('handler' in m)) throw pageNotFound()
    checkApiVersion(version)
    const min = m.route.minVersion
    if (min && compareVersions(version, min) < 0) {
      throw new BerthError('invalid', `${m.route.method} ${m.route.pattern.replace(/\{(\w+)\*\}/g, '{$1}')} requires minimum API version ${min}`)
    }
    return m
  }

  /** Matches, checks the version, runs the handler; every failure becomes an error result. */
  async handle(req: Omit<ApiRequest, 'params'>): Promise<ApiResult> {
    try {
      const m = this.check(req.method, req.path, req.version)
      return await m.handler({ ...req, params: m.params })
    } catch (err) {
      return errorResult(err, { method: req.method, path: req.path, version: req.version })
    }
  }
}
