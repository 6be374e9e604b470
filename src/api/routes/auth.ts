// Registry-facing routes: POST /auth (dockerd checks a login against the registry; the client
// stores it) and POST /images/{name}/push (progress as JSON lines). Credentials arrive in the
// body (login) or in X-Registry-Auth (push).
import type { Engine } from '../../engine/engine.js'
import { invalid } from '../../lib/errors.js'
import { parseReference } from '../../lib/reference.js'
import { decodeAuthHeader, withUserFromAuth, type AuthConfig } from '../../registry/auth.js'
import { progressStream } from '../json-stream.js'
import type { Route } from '../types.js'

const AUTH_KEYS = ['username', 'password', 'auth', 'serveraddress', 'identitytoken', 'registrytoken', 'email'] as const

/** The login body: Docker's AuthConfig; unknown keys are ignored, as Go's decoder does. */
function authBody(body: unknown): AuthConfig {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('invalid JSON: expected an object')
  const b = body as Record<string, unknown>
  const out: AuthConfig = {}
  for (const k of AUTH_KEYS) {
    const v = b[k]
    if (v === undefined || v === null || v === '') continue
    if (typeof v !== 'string') throw invalid(`json: cannot unmarshal ${typeof v} into Go struct field AuthConfig.${k} of type string`)
    out[k] = v
  }
  return withUserFromAuth(out)
}

export function registryRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/auth',
      handler: async ({ body }) => ({ json: await engine.images.login(authBody(body)) }),
    },
    {
      method: 'POST',
      pattern: '/images/{name*}/push',
      handler: ({ params, query, headers }) => {
        const name = params.name!
        parseReference(name) // a bad name is a 400 before the stream starts, as dockerd
        const header = headers['x-registry-auth']
        const auth = decodeAuthHeader(Array.isArray(header) ? header[0] : header)
        const tag = query.get('tag') || undefined
        return {
          stream: progressStream((out) =>
            engine.images.push(name, { tag, auth, signal: out.signal, onProgress: (m) => void out.write(m) })),
        }
      },
    },
  ]
}
