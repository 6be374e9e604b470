// GET/HEAD /_ping: the first request every client sends. Clients read Api-Version (set on every
// response by the server), Builder-Version (1: we have the classic builder, not BuildKit), and
// Swarm from it. Headers as dockerd's system router sends them.
import type { ApiRequest, ApiResult, Route } from '../types.js'

const PING_HEADERS = {
  'Cache-Control': 'no-cache, no-store, must-revalidate',
  Pragma: 'no-cache',
  'Builder-Version': '1',
  Swarm: 'inactive',
}

function ping(req: ApiRequest): ApiResult {
  if (req.method === 'HEAD') {
    return { status: 200, empty: true, headers: { ...PING_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': '0' } }
  }
  return { text: 'OK', headers: PING_HEADERS }
}

export function pingRoutes(): Route[] {
  return [
    { method: 'GET', pattern: '/_ping', handler: ping },
    { method: 'HEAD', pattern: '/_ping', handler: ping },
  ]
}
