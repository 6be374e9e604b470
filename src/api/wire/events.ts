// Events on the wire: Docker's events.Message, one JSON line each, and the `since`/`until` values.
// Before API 1.52 container and image events also carry the deprecated status, id and from
// (from: the container's image); image `create` events exist from API 1.46 on. timeNano is
// written from the bigint so it keeps all its digits (a JS number would round it).
import { invalid } from '../../lib/errors.js'
import type { EngineEvent } from '../../engine/events.js'
import { atLeast } from '../version.js'

/**
 * `since`/`until` as dockerd reads them: unix seconds with an optional fraction, `0` meaning the
 * epoch (every kept event); absent or empty: undefined. RFC 3339 is accepted too. Nanoseconds.
 */
export function parseEventTime(v: string | null, param: 'since' | 'until'): bigint | undefined {
  if (v === null || v === '') return undefined
  const m = /^(-?\d+)(?:\.(\d{1,9})\d*)?$/.exec(v)
  if (m) return BigInt(m[1]!) * 1_000_000_000n + BigInt((m[2] ?? '').padEnd(9, '0'))
  const ms = Date.parse(v)
  if (Number.isNaN(ms)) throw invalid(`invalid value for '${param}': invalid timestamp "${v}"`)
  return BigInt(ms) * 1_000_000n
}

/** Whether a client speaking `version` is told about the event at all. */
export const isVisibleAt = (e: EngineEvent, version: string): boolean =>
  !(e.type === 'image' && e.action === 'create' && !atLeast(version, '1.46'))

/** One events.Message as a JSON text, fields in dockerd's order. */
export function eventMessageText(e: EngineEvent, version: string): string {
  const t = e.timeNano ?? 0n
  const legacy = !atLeast(version, '1.52') && (e.type === 'container' || e.type === 'image')
  const json = JSON.stringify({
    ...(legacy ? { status: e.action, id: e.id } : {}),
    ...(legacy && e.type === 'container' && e.attributes.image ? { from: e.attributes.image } : {}),
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.id, Attributes: e.attributes },
    scope: 'local',
    time: Number(t / 1_000_000_000n),
  })
  return `${json.slice(0, -1)},"timeNano":${t}}`
}
