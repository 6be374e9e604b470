// Container lifecycle routes: decode, call one engine method, encode.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { decodeCreate } from '../wire/container-create.js'
import { inspectJson, summaryJson } from '../wire/containers.js'
import { matchContainers, parseFilters } from '../../engine/containers/filters.js'
import { boolParam, intParam } from '../wire/query.js'
import { untilMs } from '../wire/time.js'
import { invalid } from '../../lib/errors.js'

export function containerRoutes(engine: Engine): Route[] {
  const cs = engine.containers
  const sizes = (id: string) => cs.size(id)
  const imageMatches = (ref: string, imageId: string) => {
    try {
      return engine.images.resolve(ref).id === imageId
    } catch {
      return false
    }
  }

  return [
    {
      method: 'GET',
      pattern: '/containers/json',
      handler: async ({ query, version }) => {
        const filters = parseFilters(query.get('filters'))
        const networksOf = (c: Parameters<typeof engine.networks.viewOf>[0]) => engine.networks.viewOf(c).networks.flatMap(({ net }) => [net.name, net.id])
        let list = matchContainers(cs.list(), filters, imageMatches, networksOf)
        if (!boolParam(query, 'all') && !filters.status && !filters.exited) list = list.filter((c) => c.state.status === 'running' || c.state.status === 'paused')
        list.sort((a, b) => Date.parse(b.created) - Date.parse(a.created) || (a.id < b.id ? 1 : -1))
        const limit = intParam(query, 'limit')
        if (limit !== undefined && limit > 0) list = list.slice(0, limit)
        const withSize = boolParam(query, 'size')
        return {
          json: await Promise.all(list.map(async (c) => summaryJson(c, c.config.Image, { ...engine.networks.viewOf(c), version }, withSize ? await sizes(c.id) : undefined))),
        }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/create',
      handler: async ({ body, query }) => {
        const { id, warnings } = await cs.create(decodeCreate(body, query.get('name')))
        return { status: 201, json: { Id: id, Warnings: warnings } }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/json',
      handler: async ({ params, query, version }) => {
        const c = cs.inspect(params.id!)
        const size = boolParam(query, 'size') ? await sizes(c.id) : undefined
        return {
          json: inspectJson(c, {
            network: { ...engine.networks.viewOf(c), version },
            containersDir: engine.paths.containers,
            execIds: cs.execs.forContainer(c.id).map((e) => e.id),
            sizeRw: size?.rw,
            sizeRootFs: size?.rootFs,
          }),
        }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/start',
      handler: async ({ params }) => {
        await cs.start(params.id!)
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/stop',
      handler: async ({ params, query }) => {
        await cs.stop(params.id!, { timeout: intParam(query, 't'), signal: query.get('signal') ?? undefined })
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/restart',
      handler: async ({ params, query }) => {
        await cs.restart(params.id!, { timeout: intParam(query, 't'), signal: query.get('signal') ?? undefined })
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/kill',
      handler: async ({ params, query }) => {
        await cs.kill(params.id!, query.get('signal') || 'SIGKILL')
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/pause',
      handler: async ({ params }) => {
        await cs.pause(params.id!)
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/unpause',
      handler: async ({ params }) => {
        await cs.unpause(params.id!)
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/rename',
      handler: ({ params, query }) => {
        cs.rename(params.id!, query.get('name') ?? '')
        return { status: 204, empty: true }
      },
    },
    {
      method: 'DELETE',
      pattern: '/containers/{id}',
      handler: async ({ params, query }) => {
        await cs.remove(params.id!, { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') })
        return { status: 204, empty: true }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/top',
      handler: async ({ params, query }) => {
        const { titles, processes } = await cs.top(params.id!, query.get('ps_args') ?? '')
        return { json: { Titles: titles, Processes: processes } }
      },
    },
    {
      method: 'GET',
      pattern: '/containers/{id}/changes',
      handler: async ({ params }) => {
        const changes = await cs.changes(params.id!)
        return { json: changes.length > 0 ? changes : null }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/{id}/resize',
      handler: async ({ params, query }) => {
        await cs.resize(params.id!, intParam(query, 'h') ?? 0, intParam(query, 'w') ?? 0)
        return { status: 200, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/containers/prune',
      handler: async ({ query }) => {
        const filters = parseFilters(query.get('filters'))
        for (const k of Object.keys(filters)) if (k !== 'label' && k !== 'until') throw invalid(`invalid filter '${k}'`)
        const until = (filters.until ?? []).map((v) => untilMs(v, Date.now()))
        const victims = matchContainers(cs.list(), { label: filters.label ?? [] }, () => true).filter(
          (c) =>
            (c.state.status === 'exited' || c.state.status === 'created' || c.state.status === 'dead') &&
            until.every((t) => Date.parse(c.created) < t),
        )
        let reclaimed = 0
        const deleted: string[] = []
        for (const c of victims) {
          reclaimed += (await cs.size(c.id)).rw
          await cs.remove(c.id, { force: false })
          deleted.push(c.id)
        }
        return { json: { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed } }
      },
    },
  ]
}
