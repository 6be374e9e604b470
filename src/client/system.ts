// /_ping, /version, /info, /events, /system/df.
import type { Readable } from 'node:stream'
import type { Transport } from './transport.js'
import type { DiskUsage, VersionResponse } from './types.js'

export class System {
  constructor(private readonly t: Transport) {}

  version(): Promise<VersionResponse> {
    return this.t.json({ method: 'GET', path: '/version' })
  }
  info(): Promise<Record<string, unknown>> {
    return this.t.json({ method: 'GET', path: '/info' })
  }
  /** GET /system/df: every section unless `types` names some (API 1.42+). */
  df(types: readonly string[] = []): Promise<DiskUsage> {
    return this.t.json({ method: 'GET', path: '/system/df', query: { type: types.length ? [...types] : undefined } })
  }
  /** GET /events: one JSON message per line until `until` passes or the caller stops reading. */
  events(o: { since?: string; until?: string; filters?: string }): Promise<Readable> {
    return this.t.request({ method: 'GET', path: '/events', query: { since: o.since, until: o.until, filters: o.filters } })
  }
}
