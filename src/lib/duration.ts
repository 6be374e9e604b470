// Go's time.ParseDuration for the forms people type (`24h`, `1h30m`, `90s`, `1.5h`): the CLI's
// --since/--until and the API's `until` filters both read it.

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }

/** In milliseconds; undefined when it is not a duration. */
export function parseGoDuration(s: string): number | undefined {
  const m = /^([+-])?((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s)
  if (!m) return s === '0' ? 0 : undefined
  let total = 0
  for (const part of s.replace(/^[+-]/, '').matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) total += Number(part[1]) * UNITS[part[2]!]!
  return m[1] === '-' ? -total : total
}
