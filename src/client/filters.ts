// Docker's `filters` query parameter as the docker CLI sends it: {"key":{"value":true}}.
import type { Filters } from './types.js'

export function filtersParam(f: Filters | undefined): string | undefined {
  if (!f) return undefined
  const keys = Object.keys(f).filter((k) => f[k]!.length > 0).sort()
  if (keys.length === 0) return undefined
  const out: Record<string, Record<string, boolean>> = {}
  for (const k of keys) {
    out[k] = {}
    for (const v of [...f[k]!].sort()) out[k]![v] = true
  }
  return JSON.stringify(out)
}

/** `--filter key=value` flags into a Filters map; docker's message when `=` is missing. */
export function parseFilterFlags(flags: readonly string[]): Filters {
  const out: Filters = {}
  for (const f of flags) {
    const eq = f.indexOf('=')
    if (eq < 0) throw new Error(`bad format of filter (expected name=value)`)
    const key = f.slice(0, eq).trim().toLowerCase()
    ;(out[key] ??= []).push(f.slice(eq + 1).trim())
  }
  return out
}

/** The same rule as a flag check, so a bad --filter is a flag error (exit 125 with usage), as in docker. */
export function checkFilterFlag(f: string): void {
  if (!f.includes('=')) throw new Error('bad format of filter (expected name=value)')
}
