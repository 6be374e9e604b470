// Every route the daemon serves, in one literal list.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { archiveRoutes } from './archive.js'
import { containerRoutes } from './containers.js'
import { containerIoRoutes } from './container-io.js'
import { execRoutes } from './exec.js'
import { imageRoutes } from './images.js'
import { networkRoutes } from './networks.js'
import { volumeRoutes } from './volumes.js'
import { pingRoutes } from './ping.js'
import { notImplementedRoutes } from './not-implemented.js'
import { systemRoutes, type DaemonInfo } from './system.js'

export function allRoutes(engine: Engine, daemon: DaemonInfo): Route[] {
  return [
    ...pingRoutes(),
    ...systemRoutes(engine, daemon),
    ...containerRoutes(engine),
    ...containerIoRoutes(engine),
    ...archiveRoutes(engine),
    ...execRoutes(engine),
    ...imageRoutes(engine),
    ...networkRoutes(engine),
    ...volumeRoutes(engine),
    ...notImplementedRoutes(),
  ]
}
