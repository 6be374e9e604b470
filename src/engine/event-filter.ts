// Which events a `/events?filters=` subscriber gets, with moby's rules (daemon/events/filter.go).
// Pure. Values of one key are alternatives; keys must all match; keys Docker does not know are
// ignored, as dockerd ignores them.
//   type, scope        exact
//   event              exact, or a prefix when a value is exec_create, exec_start or health_status
//                      (their actions carry the command: `exec_create: sh -c …`)
//   container, volume, network, daemon, plugin, service, node, secret, config
//                      the actor's ID or `name` attribute, exactly or by prefix, on any event type
//   image              the actor's ID or name (the `image` attribute on container events, `name`
//                      on image events), exactly or without its tag (`busybox` matches busybox:1)
//   label              every `k` or `k=v` among the attributes
import { familiarName, parseReference } from '../lib/reference.js'
import type { EngineEvent } from './events.js'

export type EventFilters = Record<string, string[]>

const BY_NAME = ['container', 'volume', 'network', 'daemon', 'plugin', 'service', 'node', 'secret', 'config']
const PREFIXED_ACTIONS = ['exec_create', 'exec_start', 'health_status']

export function matchesEvent(e: EngineEvent, f: EventFilters): boolean {
  const exact = (key: string, v: string) => !f[key]?.length || f[key]!.includes(v)
  const fuzzy = (key: string, v: string) => exact(key, v) || f[key]!.some((p) => v.startsWith(p))
  const event = f.event?.some((v) => PREFIXED_ACTIONS.includes(v)) ? fuzzy('event', e.action) : exact('event', e.action)
  const name = e.attributes.name ?? ''
  return (
    event &&
    exact('type', e.type) &&
    exact('scope', 'local') &&
    BY_NAME.every((key) => fuzzy(key, e.id) || fuzzy(key, name)) &&
    matchesImage(e, f.image) &&
    matchesLabels(e.attributes, f.label)
  )
}

function matchesImage(e: EngineEvent, wanted: string[] | undefined): boolean {
  if (!wanted?.length) return true
  const name = e.attributes[e.type === 'image' ? 'name' : 'image'] ?? ''
  return [e.id, name, withoutTag(e.id), withoutTag(name)].some((v) => wanted.includes(v))
}

/** `busybox:1` → `busybox`, `127.0.0.1:5000/a/b@sha256:…` → `127.0.0.1:5000/a/b`; else unchanged. */
function withoutTag(image: string): string {
  try {
    return familiarName(parseReference(image))
  } catch {
    return image
  }
}

function matchesLabels(attributes: Record<string, string>, wanted: string[] | undefined): boolean {
  if (!wanted?.length) return true
  return wanted.every((w) => {
    const eq = w.indexOf('=')
    const key = eq < 0 ? w : w.slice(0, eq)
    return Object.hasOwn(attributes, key) && (eq < 0 || attributes[key] === w.slice(eq + 1))
  })
}
