// Go literal syntax inside actions: quoted strings (strconv.Unquote rules), raw strings,
// character constants and numbers (decimal, 0x, 0o, 0b, legacy leading-0 octal, underscores).
// Each returns undefined when the text is not valid, and the parser reports it.

const simpleEscapes: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92 }

/** Decodes a "double-quoted" or 'char' body; \x and octal escapes are raw bytes, as in Go. */
export function unquote(text: string): string | undefined {
  const quote = text[0]
  if (quote === '`') return text.slice(1, -1)
  const body = text.slice(1, -1)
  const bytes: number[] = []
  for (let i = 0; i < body.length; ) {
    const c = body[i]!
    if (c !== '\\') {
      const ch = String.fromCodePoint(body.codePointAt(i)!)
      bytes.push(...Buffer.from(ch, 'utf8'))
      i += ch.length
      continue
    }
    const e = body[i + 1]
    if (e === undefined) return undefined
    if (e in simpleEscapes) { bytes.push(simpleEscapes[e]!); i += 2 }
    else if (e === quote) { bytes.push(e.charCodeAt(0)); i += 2 }
    else if (e === 'x' || e === 'u' || e === 'U') {
      const len = e === 'x' ? 2 : e === 'u' ? 4 : 8
      const hex = body.slice(i + 2, i + 2 + len)
      if (!new RegExp(`^[0-9a-fA-F]{${len}}$`).test(hex)) return undefined
      const n = parseInt(hex, 16)
      if (e === 'x') bytes.push(n)
      else if (n > 0x10ffff || (n >= 0xd800 && n < 0xe000)) return undefined
      else bytes.push(...Buffer.from(String.fromCodePoint(n), 'utf8'))
      i += 2 + len
    } else if (/[0-7]/.test(e)) {
      const oct = body.slice(i + 1, i + 4)
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) return undefined
      bytes.push(parseInt(oct, 8))
      i += 4
    } else return undefined
  }
  return Buffer.from(bytes).toString('utf8')
}

/** A character constant is a number (its code point), as in Go. */
export function charValue(text: string): number | undefined {
  const s = unquote(text)
  if (s === undefined) return undefined
  const chars = Array.from(s)
  return chars.length === 1 ? chars[0]!.codePointAt(0) : undefined
}

export function numberValue(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1
  const t = text.replace(/^[+-]/, '').replace(/_/g, '')
  let n: number
  if (/^0[xX][0-9a-fA-F]+$/.test(t)) n = parseInt(t.slice(2), 16)
  else if (/^0[bB][01]+$/.test(t)) n = parseInt(t.slice(2), 2)
  else if (/^0[oO]?[0-7]+$/.test(t)) n = parseInt(t.replace(/^0[oO]?/, ''), 8)
  else if (/^(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) n = Number(t)
  else return undefined
  return Number.isFinite(n) ? sign * n : undefined
}
