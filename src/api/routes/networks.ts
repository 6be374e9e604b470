// Network routes: list, inspect, create, remove, prune, connect, disconnect.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { parseFilters } from '../../engine/containers/filters.js'
import { decodeNetworkCreate, matchNetworks, networkJson, pruneKeep } from '../wire/networks.js'
import { decodeEndpoint } from '../wire/container-create.js'
import { asObject, checkFields } from '../wire/decode.js'
import { invalid } from '../../lib/errors.js'

export function networkRoutes(engine: Engine): Route[] {
  const nets = engine.networks
  const used = (id: string) => engine.containers.list().some((c) => c.networks?.[id])
  return [
    {
      method: 'GET',
      pattern: '/networks',
      handler: ({ query }) => ({
        json: matchNetworks(nets.list(), parseFilters(query.get('filters')), (n) => used(n.id)).map((n) => networkJson(n, nets.endpointsOf(n))),
      }),
    },
    {
      method: 'GET',
      pattern: '/networks/{id}',
      handler: ({ params }) => {
        const n = nets.inspect(params.id!)
        return { json: networkJson(n, nets.endpointsOf(n)) }
      },
    },
    {
      method: 'POST',
      pattern: '/networks/create',
      handler: async ({ body }) => {
        const { id, warning } = await nets.create(decodeNetworkCreate(body))
        return { status: 201, json: { Id: id, Warning: warning } }
      },
    },
    {
      method: 'DELETE',
      pattern: '/networks/{id}',
      handler: async ({ params }) => {
        await nets.remove(params.id!)
        return { status: 204, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/networks/prune',
      minVersion: '1.25',
      handler: async ({ query }) => {
        const removed = await nets.prune(pruneKeep(parseFilters(query.get('filters'))))
        return { json: { NetworksDeleted: removed.length ? removed : null } }
      },
    },
    {
      method: 'POST',
      pattern: '/networks/{id}/connect',
      handler: async ({ params, body }) => {
        const b = asObject(body, 'network.ConnectOptions')
        checkFields(b, { Container: 'string', EndpointConfig: 'object' }, 'network.ConnectOptions')
        if (!b.Container) throw invalid('no container specified')
        await nets.connect(params.id!, b.Container as string, b.EndpointConfig ? decodeEndpoint(b.EndpointConfig) : {})
        return { status: 200, empty: true }
      },
    },
    {
      method: 'POST',
      pattern: '/networks/{id}/disconnect',
      handler: async ({ params, body }) => {
        const b = asObject(body, 'network.DisconnectOptions')
        checkFields(b, { Container: 'string', Force: 'bool' }, 'network.DisconnectOptions')
        if (!b.Container) throw invalid('no container specified')
        await nets.disconnect(params.id!, b.Container as string, !!b.Force)
        return { status: 200, empty: true }
      },
    },
  ]
}
