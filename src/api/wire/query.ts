// Query parameters as dockerd reads them: booleans are true unless empty, "0" or "false".
import { invalid } from '../../lib/errors.js'

export function boolParam(q: URLSearchParams, key: string): boolean {
  const v = q.get(key)
  return v !== null && v !== '' && v !== '0' && v.toLowerCase() !== 'false'
}

export function intParam(q: URLSearchParams, key: string): number | undefined {
  const v = q.get(key)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw invalid(`invalid value for ${key}: ${v}`)
  return n
}
