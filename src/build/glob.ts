// Go's filepath.Match patterns as RegExps, for COPY/ADD sources: `*` and `?` never match `/`,
// `[a-z]` / `[^a-z]` classes, `\` escapes the next character. A malformed pattern matches nothing,
// as Go's ErrBadPattern is ignored by Docker's caller.

/** Docker's containsWildcards: an unescaped `*`, `?` or `[`. */
export function hasWildcards(name: string): boolean {
  for (let i = 0; i < name.length; i++) {
    const ch = name[i]
    if (ch === '\\') i++
    else if (ch === '*' || ch === '?' || ch === '[') return true
  }
  return false
}

const escapeRe = (ch: string): string => ch.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&')

/** Reads a `[...]` class starting after `[`; returns [regexp source, index after `]`] or undefined. */
function readClass(chars: string[], start: number): [string, number] | undefined {
  let i = start
  let out = '['
  if (chars[i] === '^') {
    out += '^'
    i++
  }
  let first = true
  for (;;) {
    let ch = chars[i]
    if (ch === undefined) return undefined
    if (ch === ']' && !first) return [`${out}]`, i + 1]
    first = false
    if (ch === ']' || ch === '-') return undefined
    if (ch === '\\') ch = chars[++i]
    if (ch === undefined) return undefined
    let item = escapeRe(ch)
    if (chars[i + 1] === '-' && chars[i + 2] !== undefined && chars[i + 2] !== ']') {
      let hi = chars[i + 2]!
      i += 2
      if (hi === '\\') hi = chars[++i] ?? ''
      if (hi === '' || hi < ch) return undefined
      item += `-${escapeRe(hi)}`
    }
    out += item
    i++
  }
}

/** The RegExp for a whole-path match, or undefined when the pattern is malformed. */
export function globToRegExp(pattern: string): RegExp | undefined {
  const chars = [...pattern]
  let out = '^'
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (ch === '*') out += '[^/]*'
    else if (ch === '?') out += '[^/]'
    else if (ch === '[') {
      const cls = readClass(chars, i + 1)
      if (!cls) return undefined
      out += cls[0]
      i = cls[1] - 1
    } else if (ch === '\\') {
      const next = chars[++i]
      if (next === undefined) return undefined
      out += escapeRe(next)
    } else out += escapeRe(ch)
  }
  return new RegExp(`${out}$`, 'u')
}
