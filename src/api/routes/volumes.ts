// Volume routes: list, create, inspect, remove, prune; update answers as a dockerd without swarm.
import type { Engine } from '../../engine/engine.js'
import type { VolumeRecord } from '../../engine/volumes/types.js'
import type { Route } from '../types.js'
import { parseFilters } from '../../engine/containers/filters.js'
import { boolParam } from '../wire/query.js'
import { BerthError } from '../../lib/errors.js'
import { decodeVolumeCreate, matchVolumes, pruneSelect, volumeJson } from '../wire/volumes.js'

export function volumeRoutes(engine: Engine): Route[] {
  const vols = engine.volumes
  const json = (v: VolumeRecord) => volumeJson(v, vols.mountpoint(v.name))
  return [
    {
      method: 'GET',
      pattern: '/volumes',
      handler: ({ query }) => ({
        json: { Volumes: matchVolumes(vols.list(), parseFilters(query.get('filters')), (v) => vols.isInUse(v.name)).map(json), Warnings: [] },
      }),
    },
    {
      method: 'POST',
      pattern: '/volumes/create',
      handler: async ({ body }) => ({ status: 201, json: json(await vols.create(decodeVolumeCreate(body))) }),
    },
    {
      method: 'POST',
      pattern: '/volumes/prune',
      minVersion: '1.25',
      handler: async ({ query, version }) => {
        const { removed, reclaimed } = await vols.prune(pruneSelect(parseFilters(query.get('filters')), version))
        return { json: { VolumesDeleted: removed.length ? removed : null, SpaceReclaimed: reclaimed } }
      },
    },
    {
      method: 'GET',
      pattern: '/volumes/{name}',
      handler: ({ params }) => ({ json: json(vols.inspect(params.name!)) }),
    },
    {
      method: 'DELETE',
      pattern: '/volumes/{name}',
      handler: async ({ params, query }) => {
        await vols.remove(params.name!, boolParam(query, 'force'))
        return { status: 204, empty: true }
      },
    },
    {
      method: 'PUT',
      pattern: '/volumes/{name}',
      minVersion: '1.42',
      handler: () => {
        throw new BerthError('unavailable', 'volume update only valid for cluster volumes, but swarm is not enabled')
      },
    },
  ]
}
