// Go's fmt.Sprintf, Sprint and Sprintln over template values. Covers the verbs people put in
// --format strings (%v %s %q %d %t %x %X %o %b %c %U %e %f %g and friends) with flags, width and
// precision. Wrong verbs and argument counts print Go's inline markers (%!d(string=x),
// %!s(MISSING), %!(EXTRA ...)) instead of failing, as fmt does.

import {
  formatG, formatNumber, formatSpecial, formatValue, isDict, quoteGo, quoteRune, sortedKeys, toExponential, toFixed, typeName,
} from './template-values.js'

interface Spec {
  minus: boolean
  plus: boolean
  sharp: boolean
  space: boolean
  zero: boolean
  width?: number
  prec?: number
  verb: string
}

/** fmt.Sprint: a space between operands when neither side is a string. */
export function sprint(args: readonly unknown[]): string {
  let out = ''
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') out += ' '
    out += formatValue(a)
  })
  return out
}

/** fmt.Sprintln: always spaces, always a newline. */
export const sprintln = (args: readonly unknown[]): string => args.map(formatValue).join(' ') + '\n'

export function sprintf(format: string, args: readonly unknown[]): string {
  let out = ''
  let argi = 0
  let i = 0
  while (i < format.length) {
    const pct = format.indexOf('%', i)
    if (pct < 0) { out += format.slice(i); break }
    out += format.slice(i, pct)
    i = pct + 1
    if (i >= format.length) { out += '%!(NOVERB)'; break }
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, verb: '' }
    for (; i < format.length; i++) {
      const c = format[i]
      if (c === '-') spec.minus = true
      else if (c === '+') spec.plus = true
      else if (c === '#') spec.sharp = true
      else if (c === ' ') spec.space = true
      else if (c === '0') spec.zero = true
      else break
    }
    const takeNumber = (): number | undefined => {
      if (format[i] === '*') { i++; const a = args[argi++]; return typeof a === 'number' ? Math.trunc(a) : undefined }
      const m = /^\d+/.exec(format.slice(i))
      if (!m) return undefined
      i += m[0].length
      return Number(m[0])
    }
    spec.width = takeNumber()
    if (spec.width !== undefined && spec.width < 0) { spec.minus = true; spec.width = -spec.width }
    if (format[i] === '.') { i++; spec.prec = takeNumber() ?? 0 }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0x25)
    i += verb.length
    spec.verb = verb
    if (verb === '%') { out += '%'; continue }
    if (argi >= args.length) { out += `%!${verb}(MISSING)`; continue }
    out += formatArg(args[argi++], spec)
  }
  if (argi < args.length) {
    const extra = args.slice(argi).map((a) => (a === null || a === undefined ? '<nil>' : `${typeName(a)}=${formatValue(a)}`))
    out += `%!(EXTRA ${extra.join(', ')})`
  }
  return out
}

function formatArg(arg: unknown, spec: Spec): string {
  const v = spec.verb
  if (Array.isArray(arg) && v !== 'T') {
    return pad(`[${arg.map((e) => formatArg(e, { ...spec, width: undefined })).join(' ')}]`, spec)
  }
  if (isDict(arg) && v !== 'T') {
    const parts = sortedKeys(arg).map((k) => `${formatArg(k, { ...spec, width: undefined })}:${formatArg(arg[k], { ...spec, width: undefined })}`)
    return pad(`map[${parts.join(' ')}]`, spec)
  }
  if (v === 'T') return pad(typeName(arg), spec)
  if (arg === null || arg === undefined) return v === 'v' ? pad('<nil>', spec) : `%!${v}(<nil>)`
  if (typeof arg === 'string') return formatString(arg, spec)
  if (typeof arg === 'number') return formatNum(arg, spec)
  if (typeof arg === 'boolean') return v === 'v' || v === 't' ? pad(String(arg), spec) : bad(arg, spec)
  return bad(arg, spec)
}

const bad = (arg: unknown, spec: Spec): string => `%!${spec.verb}(${typeName(arg)}=${formatValue(arg)})`

function formatString(s: string, spec: Spec): string {
  switch (spec.verb) {
    case 'v':
      if (spec.sharp) return pad(quoteGo(s), spec)
      return pad(truncateRunes(s, spec.prec), spec)
    case 's':
      return pad(truncateRunes(s, spec.prec), spec)
    case 'q':
      return pad(spec.sharp && !s.includes('`') ? `\`${s}\`` : quoteGo(truncateRunes(s, spec.prec), spec.plus), spec)
    case 'x':
    case 'X': {
      let hex = Buffer.from(truncateRunes(s, spec.prec), 'utf8').toString('hex')
      if (spec.verb === 'X') hex = hex.toUpperCase()
      return pad(hex, spec)
    }
    default:
      return bad(s, spec)
  }
}

function formatNum(n: number, spec: Spec): string {
  const v = spec.verb
  if (!Number.isFinite(n) && 'vsefgEFG'.includes(v)) return pad(formatSpecial(n), spec)
  const sign = n < 0 || Object.is(n, -0) ? '-' : spec.plus ? '+' : spec.space ? ' ' : ''
  const abs = Math.abs(n)
  const isInt = Number.isInteger(n)
  switch (v) {
    case 'v':
    case 's':
      // %s on a number is Go's json.Number path (inspect's raw fallback): digits, as for %v.
      if (!isInt && spec.prec !== undefined) return padNumber(sign, formatG(abs, spec.prec), spec)
      return padNumber(sign, formatNumber(abs), spec)
    case 'd':
      return isInt ? padNumber(sign, formatNumber(abs), spec) : bad(n, spec)
    case 'x':
    case 'X':
    case 'o':
    case 'O':
    case 'b': {
      if (!isInt) return bad(n, spec)
      const radix = v === 'b' ? 2 : v === 'o' || v === 'O' ? 8 : 16
      let digits = BigInt(abs).toString(radix)
      if (v === 'X') digits = digits.toUpperCase()
      const prefix = v === 'O' ? '0o' : spec.sharp ? { x: '0x', X: '0X', o: '0', b: '0b' }[v] ?? '' : ''
      return padNumber(sign + prefix, digits, spec)
    }
    case 'c':
      return isInt ? pad(String.fromCodePoint(abs), spec) : bad(n, spec)
    case 'q':
      return isInt ? pad(`'${quoteRune(String.fromCodePoint(abs), "'", spec.plus)}'`, spec) : bad(n, spec)
    case 'U':
      return isInt ? pad(`U+${abs.toString(16).toUpperCase().padStart(4, '0')}`, spec) : bad(n, spec)
    case 'e':
    case 'E': {
      const [m, e] = toExponential(abs, spec.prec ?? 6).split('e')
      const exp = Number(e)
      const text = `${m}${v}${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`
      return padNumber(sign, text, spec)
    }
    case 'f':
    case 'F':
      return padNumber(sign, toFixed(abs, spec.prec ?? 6), spec)
    case 'g':
    case 'G':
      return padNumber(sign, formatG(abs, spec.prec ?? -1, v === 'G'), spec)
    default:
      return bad(n, spec)
  }
}

/** Width padding; '0' pads numbers after the sign, never on the right. */
function padNumber(sign: string, body: string, spec: Spec): string {
  if (spec.zero && !spec.minus && spec.width !== undefined) {
    const room = spec.width - sign.length - runeLength(body)
    return sign + '0'.repeat(Math.max(0, room)) + body
  }
  return pad(sign + body, spec)
}

function pad(s: string, spec: Spec): string {
  if (spec.width === undefined) return s
  const room = spec.width - runeLength(s)
  if (room <= 0) return s
  return spec.minus ? s + ' '.repeat(room) : ' '.repeat(room) + s
}

const runeLength = (s: string): number => Array.from(s).length

function truncateRunes(s: string, prec: number | undefined): string {
  if (prec === undefined) return s
  return Array.from(s).slice(0, prec).join('')
}
