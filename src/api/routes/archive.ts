// docker cp's endpoints: HEAD stats a path in a container, GET streams it as a tar, PUT extracts
// a tar into a directory of it. The stat travels in X-Docker-Container-Path-Stat on HEAD and GET.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { pathStatHeader } from '../wire/archive.js'
import { boolParam } from '../wire/query.js'

const STAT_HEADER = 'X-Docker-Container-Path-Stat'

export function archiveRoutes(engine: Engine): Route[] {
  const cs = engine.containers
  return [
    {
      method: 'HEAD',
      pattern: '/containers/{id}/archive',
      handler: async (req) => {
        const stat = await cs.statPath(req.params.id!, req.query.get('path') ?? '')
        return { status: 200, empty: true, headers: { [STAT_HEADER]: pathStatHeader(stat) } }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/archive',
      handler: async (req) => {
        const { stat, tar } = await cs.getArchive(req.params.id!, req.query.get('path') ?? '')
        return { stream: tar, contentType: 'application/x-tar', headers: { [STAT_HEADER]: pathStatHeader(stat) } }
      },
    },
    {
      method: 'PUT',
      pattern: '/containers/{id}/archive',
      handler: async (req) => {
        await cs.putArchive(req.params.id!, req.query.get('path') ?? '', req.raw, {
          noOverwriteDirNonDir: boolParam(req.query, 'noOverwriteDirNonDir'),
          copyUIDGID: boolParam(req.query, 'copyUIDGID'),
        })
        return { status: 200, empty: true }
      },
    },
  ]
}
