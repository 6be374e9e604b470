// `docker commit` (POST /commit) and `docker export` (GET /containers/{id}/export): a container's
// filesystem leaving as an image or as a tar.
import type { Engine } from '../../engine/engine.js'
import { invalid } from '../../lib/errors.js'
import type { Route } from '../types.js'
import { boolParam } from '../wire/query.js'

/** The body is a bare Config; the docker CLI sends `null` when it has none. */
function configBody(body: unknown): Record<string, unknown> | undefined {
  if (body === undefined || body === null) return undefined
  if (typeof body !== 'object' || Array.isArray(body)) throw invalid('invalid JSON: the commit body must be a container Config object')
  return body as Record<string, unknown>
}

export function commitRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/commit',
      handler: async ({ query, body }) => {
        const opt = (k: string) => query.get(k) || undefined
        const id = await engine.containers.commit(
          {
            ref: query.get('container') ?? '',
            repo: opt('repo'),
            tag: opt('tag'),
            author: opt('author'),
            comment: opt('comment'),
            // pause defaults to true (API ≥ 1.13); only an explicit false value turns it off
            pause: query.get('pause') === null || query.get('pause') === '' ? true : boolParam(query, 'pause'),
            changes: query.getAll('changes'),
            config: configBody(body),
          },
          engine.images,
        )
        return { status: 201, json: { Id: id } }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/export',
      handler: async ({ params }) => ({ stream: await engine.containers.export(params.id!), contentType: 'application/x-tar' }),
    },
  ]
}
