// OciSpec → config.json text (pure).
//
// JSON numbers in JS are doubles: 2^64 − 1 (RLIM_INFINITY) would come out as
// 18446744073709552000, which runc refuses ("cannot unmarshal number … of type uint64"). Bigints
// therefore travel through JSON.stringify as a marked string and are written back as bare
// integer literals.

import type { OciSpec } from './types.js'

const MARK = '\u0000bigint:'
const MARKED = /"\\u0000bigint:(-?\d+)"/g

export function serializeSpec(spec: OciSpec): string {
  const text = JSON.stringify(spec, (_key, value: unknown) => (typeof value === 'bigint' ? `${MARK}${value}` : value), 2)
  return text.replace(MARKED, '$1')
}

/** Any JSON value with bigints (a process object for exec, say) → text, as serializeSpec does. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${MARK}${v}` : v)).replace(MARKED, '$1')
}

/** The inverse: integers beyond 2^53 (RLIM_INFINITY) come back as bigints, not rounded doubles. */
export function parseJson(text: string): unknown {
  const marked = text.replace(/([:\[,]\s*)(\d{16,})(?=\s*[,\]}])/g, (m, pre: string, digits: string) =>
    Number.isSafeInteger(Number(digits)) ? m : `${pre}"\\u0000bigint:${digits}"`,
  )
  return JSON.parse(marked, (_key, v: unknown) =>
    typeof v === 'string' && v.startsWith(MARK) ? BigInt(v.slice(MARK.length)) : v,
  )
}
