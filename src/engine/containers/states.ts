// The container lifecycle as one table: for each verb, the states it is allowed from.
// Every verb checks here first; runtime/ never decides state.
import { BerthError } from '../../lib/errors.js'
import type { ContainerRecord, ContainerStatus } from '../../state/records.js'

export type Verb = 'start' | 'stop' | 'kill' | 'pause' | 'unpause' | 'exec' | 'attach' | 'remove' | 'restart' | 'top'

const allowedFrom: Record<Verb, readonly ContainerStatus[]> = {
  start: ['created', 'exited'],
  stop: ['running', 'paused', 'restarting'],
  kill: ['running', 'paused', 'restarting'],
  pause: ['running'],
  unpause: ['paused'],
  exec: ['running'],
  attach: ['created', 'running', 'paused', 'exited', 'restarting'],
  remove: ['created', 'exited', 'dead'],
  restart: ['created', 'running', 'paused', 'exited', 'restarting'],
  top: ['running', 'paused'],
}

export const can = (verb: Verb, status: ContainerStatus): boolean => allowedFrom[verb].includes(status)

/** Docker's wording for each refused transition. */
export function assertCan(verb: Verb, c: ContainerRecord): void {
  const s = c.state.status
  if (can(verb, s)) return
  const short = c.id.slice(0, 12)
  switch (verb) {
    case 'start':
      if (s === 'running') throw new BerthError('not-modified', `container ${short} is already running`)
      if (s === 'paused') throw new BerthError('conflict', 'cannot start a paused container, try unpause instead')
      break
    case 'stop':
      throw new BerthError('not-modified', `container ${short} is not running`)
    case 'kill':
      throw new BerthError('conflict', `Cannot kill container: ${c.name}: Container ${c.id} is not running`)
    case 'pause':
      if (s === 'paused') throw new BerthError('conflict', `Container ${c.id} is already paused`)
      throw new BerthError('conflict', `Container ${c.id} is not running`)
    case 'unpause':
      throw new BerthError('conflict', `Container ${c.id} is not paused`)
    case 'exec':
      if (s === 'paused') throw new BerthError('conflict', `Container ${c.id} is paused, unpause the container before exec`)
      throw new BerthError('conflict', `Container ${c.id} is not running`)
    case 'top':
      throw new BerthError('conflict', `Container ${c.id} is not running`)
    case 'remove':
      if (s === 'paused')
        throw new BerthError('conflict', `cannot remove container "/${c.name}": container is paused and must be unpaused first`)
      throw new BerthError(
        'conflict',
        `cannot remove container "/${c.name}": container is ${s} and must be stopped first`,
      )
    default:
      break
  }
  throw new BerthError('conflict', `cannot ${verb} container ${short}: container is ${s}`)
}
