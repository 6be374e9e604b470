// Time values on the wire: `since`/`until` query values and log timestamps.
import { invalid } from '../../lib/errors.js'
import { parseGoDuration } from '../../lib/duration.js'

/** Docker sends unix seconds with optional fraction (`1700000000.123456789`) or RFC 3339. */
export function parseTimeParam(v: string | null): number | undefined {
  if (v === null || v === '' || v === '0') return undefined
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v)
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw invalid(`invalid time value: ${v}`)
  return t / 1000
}

/** conmon writes `2026-11-23T04:22:37.145690098+00:00`; Docker prints RFC3339Nano in UTC with `Z`. */
export function logTimestamp(t: string): string {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t)
  if (!m) return t
  if (m[3] !== 'Z' && m[3] !== '+00:00') {
    const ms = Date.parse(t)
    return new Date(ms).toISOString().replace(/\.000Z$/, 'Z')
  }
  const frac = (m[2] ?? '').replace(/0+$/, '')
  return `${m[1]}${frac === '.' ? '' : frac}Z`
}

/** Docker's `until` filter: a duration before now, unix seconds, or an RFC 3339 date. Returns ms. */
export function untilMs(v: string, now: number): number {
  const d = parseGoDuration(v)
  if (d !== undefined) return now - d
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000
  const t = Date.parse(v)
  if (Number.isNaN(t)) throw invalid(`failed to parse value as time or duration: "${v}"`)
  return t
}
