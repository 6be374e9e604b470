// Go's view of the JSON-like values a --format template sees. Docker's CLI runs templates over
// typed structs (or, as a fallback, JSON decoded with UseNumber), so integers print as plain
// digits. Terms: `undefined` is Go's "invalid" value (a missing map key, shown as <no value>);
// `null` is a nil interface (shown as <nil> by fmt). Objects are map[string]interface{}.

export type Dict = Record<string, unknown>

export const isDict = (v: unknown): v is Dict =>
  typeof v === 'object' && v !== null && !Array.isArray(v)

/** Go's truth: false, 0, "", nil and empty collections are false. */
export function isTrue(v: unknown): boolean {
  if (v === undefined || v === null) return false
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
  if (typeof v === 'string') return v.length > 0
  if (Array.isArray(v)) return v.length > 0
  if (isDict(v)) return Object.keys(v).length > 0
  return true
}

/** The Go type name used in error messages (`got float64`, `%!d(string=x)`). */
export function typeName(v: unknown): string {
  if (v === undefined || v === null) return '<nil>'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return Number.isInteger(v) ? 'int' : 'float64'
  if (Array.isArray(v)) return v.every((e) => typeof e === 'string') && v.length > 0 ? '[]string' : '[]interface {}'
  return 'map[string]interface {}'
}

/** Keys in Go's map order: sorted by bytes (code units are close enough for our data). */
export const sortedKeys = (d: Dict): string[] => Object.keys(d).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))

/** fmt's %v: strings raw, maps as map[k:v] with sorted keys, slices as [a b]. */
export function formatValue(v: unknown): string {
  if (v === undefined || v === null) return '<nil>'
  if (typeof v === 'string') return v
  if (typeof v === 'number') return formatNumber(v)
  if (typeof v === 'boolean') return String(v)
  if (Array.isArray(v)) return `[${v.map(formatValue).join(' ')}]`
  if (isDict(v)) return `map[${sortedKeys(v).map((k) => `${k}:${formatValue(v[k])}`).join(' ')}]`
  return String(v)
}

/** Integers as digits (Docker's ints and json.Number); other floats as Go's %v (shortest %g). */
export function formatNumber(n: number): string {
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString()
  return formatG(n, -1)
}

/** Go's %g: precision -1 is the shortest representation that round-trips. */
export function formatG(n: number, prec: number, upper = false): string {
  if (!Number.isFinite(n)) return formatSpecial(n)
  const shortest = prec < 0
  if (prec === 0) prec = 1
  const [mant, expText] = (shortest ? n.toExponential() : toExponential(n, prec - 1)).split('e')
  const exp = Number(expText)
  const digits = mant!.replace('-', '').replace('.', '').replace(/0+$/, '') || '0'
  let eprec = shortest ? 6 : prec
  // Go drops to %f when the digits fit before the point, even past the precision.
  if (!shortest && eprec > digits.length && digits.length >= exp + 1) eprec = digits.length
  const sign = n < 0 || Object.is(n, -0) ? '-' : ''
  if (exp < -4 || exp >= eprec) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits
    return sign + m + (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + String(Math.abs(exp)).padStart(2, '0')
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`
  const whole = digits.padEnd(exp + 1, '0')
  const frac = digits.slice(exp + 1)
  return sign + whole.slice(0, exp + 1) + (frac ? `.${frac}` : '')
}

/**
 * toFixed and toExponential with Go's rounding: JS rounds an exact tie (2.25 to one place) up,
 * Go rounds it to even. Ties are found in the exact expansion, which 100 digits hold for the
 * short binary fractions that can tie.
 */
export const toFixed = (n: number, prec: number): string =>
  evenOnTie(n.toFixed(prec), n.toFixed(100), (s) => s.indexOf('.') + 1 + prec, prec === 0)

export const toExponential = (n: number, prec: number): string =>
  evenOnTie(n.toExponential(prec), n.toExponential(100), () => 2 + prec, prec === 0)

function evenOnTie(rounded: string, exact: string, cut: (s: string) => number, noPoint: boolean): string {
  const at = cut(exact)
  const [body, exp] = exact.split('e') as [string, string | undefined]
  if (!/^50*$/.test(body.slice(at))) return rounded
  let down = body.slice(0, at)
  if (noPoint) down = down.replace(/\.$/, '')
  if (Number(down.at(-1)) % 2 === 1) return rounded
  return exp === undefined ? down : `${down}e${exp}`
}

export const formatSpecial = (n: number): string => (Number.isNaN(n) ? 'NaN' : n > 0 ? '+Inf' : '-Inf')

/** Go's strconv.Quote: printable runes kept, the rest escaped the way Go spells them. */
export function quoteGo(s: string, asciiOnly = false): string {
  let out = '"'
  for (const ch of s) out += quoteRune(ch, '"', asciiOnly)
  return out + '"'
}

const shortEscapes: Record<string, string> = {
  '\x07': '\\a', '\b': '\\b', '\f': '\\f', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\v': '\\v', '\\': '\\\\',
}

export function quoteRune(ch: string, quote: string, asciiOnly = false): string {
  if (ch === quote) return `\\${quote}`
  const short = shortEscapes[ch]
  if (short) return short
  const cp = ch.codePointAt(0)!
  const printable = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u.test(ch)
  if (printable && (!asciiOnly || cp < 0x80)) return ch
  if (cp < 0x80) return `\\x${cp.toString(16).padStart(2, '0')}`
  if (cp < 0x10000) return `\\u${cp.toString(16).padStart(4, '0')}`
  return `\\U${cp.toString(16).padStart(8, '0')}`
}
