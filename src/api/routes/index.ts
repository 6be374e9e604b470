// Every route the daemon serves, in one literal list.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { archiveRoutes } from './archive.js'
import { registryRoutes } from './auth.js'
import { commitRoutes } from './commit.js'
import { containerRoutes } from './containers.js'
import { containerIoRoutes } from './container-io.js'
import { execRoutes } from './exec.js'
import { imageRoutes } from './images.js'
import { buildRoutes } from './build.js'
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
    ...commitRoutes(engine),
    ...execRoutes(engine),
    ...registryRoutes(engine),
    ...imageRoutes(engine),
    ...buildRoutes(engine),
    ...networkRoutes(engine),
    ...volumeRoutes(engine),
    ...notImplementedRoutes(),
  ]
}
