// /volumes/* endpoints. A volume has a name and no ID; an empty one is refused before any request,
// with the Go client's words.
import { filtersParam } from './filters.js'
import type { Transport } from './transport.js'
import type { Filters, Volume, VolumeCreateBody, VolumeListResponse, VolumePruneResponse } from './types.js'

function v(name: string): string {
  const trimmed = name.trim()
  if (trimmed === '') throw new Error('invalid volume name: value is empty')
  return `/volumes/${encodeURIComponent(trimmed)}`
}

export class Volumes {
  constructor(private readonly t: Transport) {}

  list(filters?: Filters): Promise<VolumeListResponse> {
    return this.t.json({ method: 'GET', path: '/volumes', query: { filters: filtersParam(filters) } })
  }
  inspect(name: string): Promise<Volume> {
    return this.t.json({ method: 'GET', path: v(name) })
  }
  /** The daemon's bytes unchanged, for `inspect` output. */
  inspectRaw(name: string): Promise<string> {
    return this.t.text({ method: 'GET', path: v(name) }).then((r) => r.text)
  }
  create(body: VolumeCreateBody): Promise<Volume> {
    return this.t.json({ method: 'POST', path: '/volumes/create', body })
  }
  remove(name: string, force = false): Promise<number> {
    return this.t.empty({ method: 'DELETE', path: v(name), query: { force: force ? '1' : undefined } })
  }
  prune(filters?: Filters): Promise<VolumePruneResponse> {
    return this.t.json({ method: 'POST', path: '/volumes/prune', query: { filters: filtersParam(filters) } })
  }
  apiVersion(): Promise<string> {
    return this.t.apiVersion()
  }
}
