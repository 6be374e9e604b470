// Type checks for request bodies: a field of the wrong type is a 400 with Go's json wording, as
// dockerd answers (`json: cannot unmarshal number into Go struct field Config.Image of type string`).
import { invalid } from '../../lib/errors.js'

export type FieldType = 'string' | 'bool' | 'int' | 'strings' | 'object' | 'stringMap' | 'array' | 'any'

const goType: Record<FieldType, string> = {
  string: 'string',
  bool: 'bool',
  int: 'int64',
  strings: '[]string',
  object: 'struct',
  stringMap: 'map[string]string',
  array: '[]interface {}',
  any: 'interface {}',
}

const jsonKind = (v: unknown): string =>
  v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'boolean' ? 'bool' : typeof v

function fits(t: FieldType, v: unknown): boolean {
  if (v === null || v === undefined) return true // null is allowed for every Go field
  switch (t) {
    case 'string':
      return typeof v === 'string'
    case 'bool':
      return typeof v === 'boolean'
    case 'int':
      return typeof v === 'number' && Number.isInteger(v)
    case 'strings':
      return (Array.isArray(v) && v.every((x) => typeof x === 'string')) || typeof v === 'string'
    case 'object':
      return typeof v === 'object' && !Array.isArray(v)
    case 'stringMap':
      return typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string')
    case 'array':
      return Array.isArray(v)
    case 'any':
      return true
  }
}

/** Checks each listed field of `obj`; unknown fields are ignored, as Go's decoder does. */
export function checkFields(obj: Record<string, unknown>, schema: Record<string, FieldType>, struct: string): void {
  for (const [key, t] of Object.entries(schema)) {
    const v = obj[key]
    if (!fits(t, v))
      throw invalid(`json: cannot unmarshal ${jsonKind(v)} into Go struct field ${struct}.${key} of type ${goType[t]}`)
  }
}

export function asObject(body: unknown, what: string): Record<string, unknown> {
  if (body === undefined || body === null) return {}
  if (typeof body !== 'object' || Array.isArray(body))
    throw invalid(`json: cannot unmarshal ${jsonKind(body)} into Go value of type ${what}`)
  return body as Record<string, unknown>
}

/** Docker accepts a string where a []string is expected (strslice): `"Cmd": "sh"`. */
export const strSlice = (v: unknown): string[] | null =>
  v === null || v === undefined ? null : typeof v === 'string' ? [v] : (v as string[])
