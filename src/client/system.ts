// /_ping, /version, /info.
import type { Transport } from './transport.js'
import type { VersionResponse } from './types.js'

export class System {
  constructor(private readonly t: Transport) {}

  version(): Promise<VersionResponse> {
    return this.t.json({ method: 'GET', path: '/version' })
  }
  info(): Promise<Record<string, unknown>> {
    return this.t.json({ method: 'GET', path: '/info' })
  }
}
