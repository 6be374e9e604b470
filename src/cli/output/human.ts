// CLI-only presentation helpers; durations and sizes live in lib/human.ts (the daemon's status
// lines use them too).
export { formatG, humanDuration, humanSize, humanSizeDefault } from '../../lib/human.js'

/** Go's time.Time.String() in local time: `2024-01-02 15:04:05 +0000 UTC`. */
export function goTimeString(d: Date): string {
  const p = (n: number, w = 2) => String(n).padStart(w, '0')
  const off = -d.getTimezoneOffset()
  const sign = off >= 0 ? '+' : '-'
  const zone = `${sign}${p(Math.trunc(Math.abs(off) / 60))}${p(Math.abs(off) % 60)}`
  let abbr = off === 0 ? 'UTC' : zone
  if (off !== 0) {
    const part = new Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((x) => x.type === 'timeZoneName')
    if (part && /^[A-Z]{3,5}$/.test(part.value)) abbr = part.value
  }
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${zone} ${abbr}`
}

/** docker's TruncateID: drop an algorithm prefix, keep 12 characters. */
export function truncateId(id: string): string {
  const colon = id.indexOf(':')
  const bare = colon >= 0 ? id.slice(colon + 1) : id
  return bare.slice(0, 12)
}

/** docker's Ellipsis: cut to maxWidth characters, the last one replaced by "…". */
export function ellipsis(s: string, maxWidth: number): string {
  const chars = [...s]
  if (chars.length <= maxWidth) return s
  if (maxWidth <= 0) return ''
  return chars.slice(0, maxWidth - 1).join('') + '…'
}

/**
 * Go's time.Time.String() of a time decoded from the API's RFC 3339 text, in the zone it was
 * written in: `2024-01-02 15:04:05.5 +0000 UTC` (fraction without trailing zeros; an offset zone
 * has no name, so Go prints the offset twice). Text that is not RFC 3339 is returned unchanged.
 */
export function goTimeFromRfc3339(s: string): string {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2}:\d{2})(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(s)
  if (!m) return s
  const frac = (m[3] ?? '').slice(0, 9).replace(/0+$/, '')
  const zone = m[4] === 'Z' ? '+0000 UTC' : `${m[4]!.replace(':', '')} ${m[4]!.replace(':', '')}`
  return `${m[1]} ${m[2]}${frac ? `.${frac}` : ''} ${zone}`
}
