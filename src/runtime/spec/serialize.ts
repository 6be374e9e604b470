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
