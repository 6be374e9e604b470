// The functions a --format template can call: Go's text/template builtins plus the few the
// docker CLI adds (json, split, join, title, lower, upper, pad, truncate). `and` and `or` are
// not here: they short-circuit, so the executor evaluates them itself. Argument types are
// checked before the call (argTypeError), with Go's words.

import { sprint, sprintf, sprintln } from './template-printf.js'
import { isDict, isTrue, quoteGo, typeName } from './template-values.js'

/** A function reported an error: shown as `error calling <name>: <message>`. */
export class CallError extends Error {}

/** Go parameter types we need: checked per argument before the call, as Go's reflection does. */
export type Param = 'string' | 'int' | '[]string' | 'any'

export interface TemplateFunc {
  /** Leading parameter types; with `variadic`, any number of `any` arguments may follow. */
  params: Param[]
  variadic?: boolean
  fn: (args: unknown[]) => unknown
}

const fixed = (params: Param[], fn: TemplateFunc['fn']): TemplateFunc => ({ params, fn })
const variadic = (params: Param[], fn: TemplateFunc['fn']): TemplateFunc => ({ params, variadic: true, fn })

export const funcs: ReadonlyMap<string, TemplateFunc> = new Map<string, TemplateFunc>([
  ['and', variadic(['any'], () => undefined)], // evaluated lazily by the executor
  ['or', variadic(['any'], () => undefined)],
  ['not', fixed(['any'], ([a]) => !isTrue(a))],
  ['len', fixed(['any'], ([a]) => length(a))],
  ['index', variadic(['any'], ([item, ...keys]) => index(item, keys))],
  ['slice', variadic(['any'], ([item, ...idx]) => slice(item, idx))],
  ['print', variadic([], (args) => sprint(args))],
  ['printf', variadic(['string'], ([f, ...args]) => sprintf(f as string, args))],
  ['println', variadic([], (args) => sprintln(args))],
  ['eq', variadic(['any'], ([a, ...rest]) => eq(a, rest))],
  ['ne', fixed(['any', 'any'], ([a, b]) => !eq(a, [b]))],
  ['lt', fixed(['any', 'any'], ([a, b]) => lt(a, b))],
  ['le', fixed(['any', 'any'], ([a, b]) => lt(a, b) || eq(a, [b]))],
  ['gt', fixed(['any', 'any'], ([a, b]) => !(lt(a, b) || eq(a, [b])))],
  ['ge', fixed(['any', 'any'], ([a, b]) => !lt(a, b))],
  ['html', variadic([], (args) => htmlEscape(argsText(args)))],
  ['js', variadic([], (args) => jsEscape(argsText(args)))],
  ['urlquery', variadic([], (args) => queryEscape(argsText(args)))],
  ['call', variadic(['any'], ([f]) => { throw new CallError(`non-function of type ${typeName(f)}`) })],
  // docker/cli templates.basicFunctions
  ['json', fixed(['any'], ([v]) => goJson(v))],
  ['split', fixed(['string', 'string'], ([s, sep]) => split(s as string, sep as string))],
  ['join', fixed(['[]string', 'string'], ([list, sep]) => ((list ?? []) as string[]).join(sep as string))],
  ['title', fixed(['string'], ([s]) => title(s as string))],
  ['lower', fixed(['string'], ([s]) => (s as string).toLowerCase())],
  ['upper', fixed(['string'], ([s]) => (s as string).toUpperCase())],
  ['pad', fixed(['string', 'int', 'int'], ([s, before, after]) => pad(s as string, before as number, after as number))],
  ['truncate', fixed(['string', 'int'], ([s, n]) => truncate(s as string, n as number))],
])

/** Go's wording when an argument does not fit its parameter, or undefined when it does. */
export function argTypeError(param: Param, v: unknown): string | undefined {
  if (param === 'any') return undefined
  const isNil = v === null || v === undefined
  // A nil slice is a fine []string; nil cannot be a string or an int.
  if (isNil) return param === '[]string' ? undefined : `invalid value; expected ${param}`
  const fits = param === 'string' ? typeof v === 'string'
    : param === 'int' ? typeof v === 'number' && Number.isInteger(v)
      : Array.isArray(v) && v.every((e) => typeof e === 'string')
  return fits ? undefined : `wrong type for value; expected ${param}; got ${typeName(v)}`
}

const utf8 = (s: string): Buffer => Buffer.from(s, 'utf8')

function length(v: unknown): number {
  if (v === null || v === undefined) throw new CallError('len of untyped nil')
  if (typeof v === 'string') return utf8(v).length
  if (Array.isArray(v)) return v.length
  if (isDict(v)) return Object.keys(v).length
  throw new CallError(`len of type ${typeName(v)}`)
}

/** An int index within [0, cap]; Go's indexArg. */
function indexArg(i: unknown, cap: number): number {
  if (i === null || i === undefined) throw new CallError('cannot index slice/array with nil')
  if (typeof i !== 'number' || !Number.isInteger(i)) throw new CallError(`cannot index slice/array with type ${typeName(i)}`)
  if (i < 0 || i > cap) throw new CallError(`index out of range: ${i}`)
  return i
}

function index(item: unknown, keys: unknown[]): unknown {
  if (item === null || item === undefined) throw new CallError('index of untyped nil')
  for (const key of keys) {
    if (item === null || item === undefined) throw new CallError('index of nil pointer')
    if (Array.isArray(item) || typeof item === 'string') {
      const len = typeof item === 'string' ? utf8(item).length : item.length
      const i = indexArg(key, len)
      if (i === len) throw new CallError(`index out of range: ${i}`)
      item = typeof item === 'string' ? utf8(item)[i] : item[i]
    } else if (isDict(item)) {
      const k = key === null || key === undefined ? '' : key
      if (typeof k !== 'string') throw new CallError(`value has type ${typeName(k)}; should be string`)
      item = Object.prototype.hasOwnProperty.call(item, k) ? item[k] : null
    } else {
      throw new CallError(`can't index item of type ${typeName(item)}`)
    }
  }
  return item ?? null
}

function slice(item: unknown, idx: unknown[]): unknown {
  if (item === null || item === undefined) throw new CallError('slice of untyped nil')
  if (idx.length > 3) throw new CallError(`too many slice indexes: ${idx.length}`)
  if (typeof item === 'string' && idx.length === 3) throw new CallError('cannot 3-index slice a string')
  if (typeof item !== 'string' && !Array.isArray(item)) throw new CallError(`can't slice item of type ${typeName(item)}`)
  const bytes = typeof item === 'string' ? utf8(item) : undefined
  const len = bytes ? bytes.length : (item as unknown[]).length
  const [from = 0, to = len, max] = idx.map((i) => indexArg(i, len))
  if (from > to) throw new CallError(`invalid slice index: ${from} > ${to}`)
  if (max !== undefined && to > max) throw new CallError(`invalid slice index: ${to} > ${max}`)
  return bytes ? bytes.subarray(from, to).toString('utf8') : (item as unknown[]).slice(from, to)
}

type Kind = 'invalid' | 'bool' | 'number' | 'string' | 'other'
const kindOf = (v: unknown): Kind =>
  v === null || v === undefined ? 'invalid'
    : typeof v === 'boolean' ? 'bool' : typeof v === 'number' ? 'number' : typeof v === 'string' ? 'string' : 'other'

function eq(a: unknown, others: unknown[]): boolean {
  if (others.length === 0) throw new CallError('missing argument for comparison')
  const k1 = kindOf(a)
  for (const b of others) {
    const k2 = kindOf(b)
    if (k1 !== k2) {
      if (k1 !== 'invalid' && k2 !== 'invalid') throw new CallError('incompatible types for comparison')
      continue
    }
    if (k1 === 'other') throw new CallError(`non-comparable type ${sprint([b])}: ${typeName(b)}`)
    if (k1 === 'invalid' || a === b) return true
  }
  return false
}

function lt(a: unknown, b: unknown): boolean {
  const k1 = kindOf(a)
  const k2 = kindOf(b)
  if (k1 === 'invalid' || k1 === 'other' || k2 === 'invalid' || k2 === 'other') throw new CallError('invalid type for comparison')
  if (k1 !== k2) throw new CallError('incompatible types for comparison')
  if (k1 === 'bool') throw new CallError('invalid type for comparison')
  return (a as number | string) < (b as number | string)
}

/** Go's evalArgs: one string as is, otherwise fmt.Sprint of the arguments. */
const argsText = (args: unknown[]): string =>
  args.length === 1 && typeof args[0] === 'string' ? args[0] : sprint(args.map((a) => a ?? null))

const htmlEscape = (s: string): string =>
  s.replace(/[\0"'&<>]/g, (c) => ({ '\0': '\uFFFD', '"': '&#34;', "'": '&#39;', '&': '&amp;', '<': '&lt;', '>': '&gt;' })[c]!)

function jsEscape(s: string): string {
  let out = ''
  for (const ch of s) {
    const cp = ch.codePointAt(0)!
    if (ch === '\\' || ch === "'" || ch === '"') out += `\\${ch}`
    else if (ch === '<' || ch === '>' || ch === '&' || ch === '=') out += `\\u00${cp.toString(16).toUpperCase()}`
    else if (cp < 0x20) out += `\\u00${cp.toString(16).toUpperCase().padStart(2, '0')}`
    else if (cp >= 0x80 && quoteGo(ch) !== `"${ch}"`) out += `\\u${cp.toString(16).toUpperCase().padStart(4, '0')}`
    else out += ch
  }
  return out
}

/** net/url.QueryEscape: unreserved bytes kept, space as '+', the rest %XX. */
function queryEscape(s: string): string {
  let out = ''
  for (const b of utf8(s)) {
    const c = String.fromCharCode(b)
    if (/[A-Za-z0-9\-_.~]/.test(c)) out += c
    else if (c === ' ') out += '+'
    else out += `%${b.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return out
}

/**
 * Marks a list row (ps, images…): docker's row types marshal themselves with json.Marshal, which
 * escapes <, > and & even though the template's json function does not.
 */
export const HTML_ESCAPED_JSON = Symbol('html-escaped-json')

/** docker's json: encoding/json without HTML escaping; Go still escapes U+2028 and U+2029. */
function goJson(v: unknown): string {
  let text = JSON.stringify(v ?? null) ?? 'null'
  if (typeof v === 'object' && v !== null && (v as Record<symbol, unknown>)[HTML_ESCAPED_JSON])
    text = text.replace(/</g, '\\u003c').replace(/>/g, '\\u003e').replace(/&/g, '\\u0026')
  return text.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')
}

/** strings.Split: an empty separator splits into characters. */
const split = (s: string, sep: string): string[] => (sep === '' ? Array.from(s) : s.split(sep))

/** strings.Title: upper-case the first letter after each separator. */
function title(s: string): string {
  let prev = ' '
  let out = ''
  for (const ch of s) {
    out += isSeparator(prev) ? ch.toUpperCase() : ch
    prev = ch
  }
  return out
}

function isSeparator(ch: string): boolean {
  if (ch.charCodeAt(0) < 0x80) return !/[A-Za-z0-9_]/.test(ch)
  if (/[\p{L}\p{Nd}]/u.test(ch)) return false
  return /\s/u.test(ch)
}

function pad(s: string, before: number, after: number): string {
  if (before < 0 || after < 0) throw new CallError('strings: negative Repeat count')
  return s === '' ? s : ' '.repeat(before) + s + ' '.repeat(after)
}

function truncate(s: string, n: number): string {
  const bytes = utf8(s)
  if (bytes.length < n) return s
  if (n < 0) throw new CallError(`runtime error: slice bounds out of range [:${n}]`)
  return bytes.subarray(0, n).toString('utf8')
}
