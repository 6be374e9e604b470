// The typed Docker Engine API client: one transport, one object per API group.
import { Containers } from './containers.js'
import { Execs } from './exec.js'
import { isAutostartAllowed } from './autostart.js'
import type { Host } from './host.js'
import { Images } from './images.js'
import { Networks } from './networks.js'
import { Registry } from './registry.js'
import { System } from './system.js'
import { Transport } from './transport.js'
import { Volumes } from './volumes.js'

export { ApiError, ConnectError } from './errors.js'
export { resolveHost, DEFAULT_HOST, type Host } from './host.js'
export type { Hijacked } from './transport.js'

export class Client {
  readonly transport: Transport
  readonly containers: Containers
  readonly images: Images
  readonly networks: Networks
  readonly volumes: Volumes
  readonly exec: Execs
  readonly system: System
  readonly registry: Registry

  constructor(host: Host, env: NodeJS.ProcessEnv = process.env) {
    this.transport = new Transport(host, isAutostartAllowed(host, env))
    this.containers = new Containers(this.transport)
    this.images = new Images(this.transport)
    this.networks = new Networks(this.transport)
    this.volumes = new Volumes(this.transport)
    this.exec = new Execs(this.transport)
    this.system = new System(this.transport)
    this.registry = new Registry(this.transport)
  }
}
