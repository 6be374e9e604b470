// /networks/* endpoints. Methods take a ref (name, ID or ID prefix) as the user typed it; an
// empty one is refused before any request, with the Go client's words.
import { filtersParam } from './filters.js'
import type { Transport } from './transport.js'
import type { Filters, NetworkCreateResponse, NetworkPruneResponse, NetworkSummary } from './types.js'
import { networkCreateBody } from './version-gates.js'

function n(ref: string): string {
  const trimmed = ref.trim()
  if (trimmed === '') throw new Error('invalid network name or ID: value is empty')
  return `/networks/${encodeURIComponent(trimmed)}`
}

const containerRef = (ref: string): string => {
  const trimmed = ref.trim()
  if (trimmed === '') throw new Error('invalid container name or ID: value is empty')
  return trimmed
}

export interface InspectOptions { verbose?: boolean; scope?: string }

/** docker sends `verbose=true`, not the `1` our query encoder writes for booleans. */
const inspectQuery = (o: InspectOptions) => ({ verbose: o.verbose ? 'true' : undefined, scope: o.scope || undefined })

export class Networks {
  constructor(private readonly t: Transport) {}

  list(filters?: Filters): Promise<NetworkSummary[]> {
    return this.t.json({ method: 'GET', path: '/networks', query: { filters: filtersParam(filters) } })
  }
  async inspect(ref: string, o: InspectOptions = {}): Promise<NetworkSummary> {
    return this.t.json({ method: 'GET', path: n(ref), query: inspectQuery(o) })
  }
  /** The daemon's bytes unchanged, so inspect output keeps its exact numbers and escapes. */
  async inspectRaw(ref: string, o: InspectOptions = {}): Promise<string> {
    return this.t.text({ method: 'GET', path: n(ref), query: inspectQuery(o) }).then((r) => r.text)
  }
  async create(body: { Name: string }): Promise<NetworkCreateResponse> {
    const sent = networkCreateBody(body, await this.t.apiVersion())
    return this.t.json({ method: 'POST', path: '/networks/create', body: sent })
  }
  async remove(ref: string): Promise<number> {
    return this.t.empty({ method: 'DELETE', path: n(ref) })
  }
  prune(filters?: Filters): Promise<NetworkPruneResponse> {
    return this.t.json({ method: 'POST', path: '/networks/prune', query: { filters: filtersParam(filters) } })
  }
  /** `EndpointConfig` is omitted when undefined, as Go's omitempty does for a nil pointer. */
  async connect(ref: string, body: { Container: string; EndpointConfig?: unknown }): Promise<number> {
    const path = `${n(ref)}/connect`
    const sent = { Container: containerRef(body.Container), ...(body.EndpointConfig !== undefined ? { EndpointConfig: body.EndpointConfig } : {}) }
    return this.t.empty({ method: 'POST', path, body: sent })
  }
  async disconnect(ref: string, body: { Container: string; Force?: boolean }): Promise<number> {
    const path = `${n(ref)}/disconnect`
    return this.t.empty({ method: 'POST', path, body: { Container: containerRef(body.Container), Force: body.Force ?? false } })
  }
}
