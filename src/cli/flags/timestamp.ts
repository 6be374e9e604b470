// --since/--until values as docker's GetTimestamp reads them: a Go duration relative to now
// ("10m", "1h30m"), an RFC 3339 time or date, or a Unix timestamp passed through unchanged.
// Times become "seconds.nanoseconds".

import { parseGoDuration } from '../../lib/duration.js'
export { parseGoDuration }

const format = (ms: number) => {
  const sec = Math.floor(ms / 1000)
  const nanos = Math.round((ms - sec * 1000) * 1e6)
  return `${sec}.${String(nanos).padStart(9, '0')}`
}

export function parseTimestamp(value: string, nowMs: number): string {
  if (value === '') return value
  // "0" is the epoch, not a zero duration (docker's GetTimestamp): `--since 0` means every event
  const d = value === '0' ? undefined : parseGoDuration(value)
  if (d !== undefined) return format(nowMs - d)
  if (/^\d+(\.\d+)?$/.test(value)) return value
  let iso = value
  if (/^\d{4}-\d{2}-\d{2}$/.test(iso)) iso += 'T00:00:00'
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(iso)
  const t = Date.parse(hasZone ? iso : iso)
  if (Number.isNaN(t)) throw new Error(`failed to parse value as time or duration: "${value}"`)
  const frac = /\.(\d+)/.exec(iso)?.[1]
  const sec = Math.floor(t / 1000)
  const nanos = frac ? frac.padEnd(9, '0').slice(0, 9) : '000000000'
  return `${sec}.${nanos}`
}
