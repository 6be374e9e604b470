// Docker API routes berth does not serve yet answer 501 naming the path (STYLE §15), so a client
// can tell "not yet" from "no such path" (404). Real routes are more specific and win.
import { BerthError } from '../../lib/errors.js'
import type { Route } from '../types.js'

const PREFIXES = [
  '/swarm', '/services', '/tasks', '/secrets', '/configs', '/nodes',
  '/plugins', '/session', '/distribution', '/images/search', '/grpc',
]
const CONTAINER_VERBS = ['stats', 'update']
const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'HEAD'] as const

export function notImplementedRoutes(): Route[] {
  const handler: Route['handler'] = (req) => {
    throw new BerthError('not-implemented', `${req.method} ${req.path} is not supported by berth yet`)
  }
  const patterns = [
    ...PREFIXES.flatMap((p) => [p, `${p}/{rest*}`]),
    ...CONTAINER_VERBS.map((v) => `/containers/{id}/${v}`),
    '/build/{rest*}', // POST /build itself is served (routes/build.ts); /build/prune, /build/cancel are not
  ]
  return patterns.flatMap((pattern) => METHODS.map((method) => ({ method, pattern, handler })))
}
