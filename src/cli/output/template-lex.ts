// Lexer for Go text/template source with the default {{ }} delimiters. It yields text and the
// tokens inside actions; trim markers ("{{- " and " -}}") are applied here by cutting the
// surrounding text, and comments ({{/* */}}) vanish. Positions are offsets into the source
// (UTF-16 units, where Go counts bytes; they only feed error messages); `line` is 1-based.

export type TokenType =
  | 'text' | 'leftDelim' | 'rightDelim' | 'space' | 'field' | 'variable' | 'identifier'
  | 'keyword' | 'bool' | 'number' | 'charConstant' | 'string' | 'rawString'
  | 'leftParen' | 'rightParen' | 'pipe' | 'declare' | 'assign' | 'dot' | 'char' | 'eof'

export interface Token {
  type: TokenType
  text: string
  pos: number
  line: number
}

export const keywords = new Set(['block', 'break', 'continue', 'define', 'else', 'end', 'if', 'range', 'nil', 'template', 'with'])

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\r' || c === '\n'
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[\p{L}\p{N}_]$/u.test(c)

/** A lexing failure; the parser turns it into Docker's "template parsing error" text. */
export class LexError extends Error {
  constructor(readonly line: number, message: string) { super(message) }
}

export function lex(src: string): Token[] {
  const tokens: Token[] = []
  let pos = 0
  let trimNext = false
  const newlines: number[] = []
  for (let i = src.indexOf('\n'); i >= 0; i = src.indexOf('\n', i + 1)) newlines.push(i)
  const lineAt = (p: number): number => {
    let n = 1
    while (n <= newlines.length && newlines[n - 1]! < p) n++
    return n
  }
  const push = (type: TokenType, text: string, at: number) => tokens.push({ type, text, pos: at, line: lineAt(at) })

  while (pos < src.length) {
    const open = src.indexOf('{{', pos)
    const end = open < 0 ? src.length : open
    let text = src.slice(pos, end)
    const trimLeft = open >= 0 && src[open + 2] === '-' && isSpace(src[open + 3])
    if (trimNext) text = text.replace(/^[ \t\r\n]+/, '')
    if (trimLeft) text = text.replace(/[ \t\r\n]+$/, '')
    if (text) push('text', text, pos)
    if (open < 0) break
    pos = lexAction(open, trimLeft)
  }
  push('eof', '', src.length)
  return tokens

  /** Lexes one action starting at `start` ("{{"); returns the offset after its "}}". */
  function lexAction(start: number, trimLeft: boolean): number {
    let p = start + 2 + (trimLeft ? 2 : 0)
    const afterMarker = (i: number): { end: number; trim: boolean } | undefined => {
      if (src.startsWith('}}', i)) return { end: i + 2, trim: false }
      if (isSpace(src[i]) && src.startsWith('-}}', i + 1)) return { end: i + 4, trim: true }
      return undefined
    }
    if (src.startsWith('/*', p)) {
      const close = src.indexOf('*/', p + 2)
      if (close < 0) throw new LexError(lineAt(start), 'unclosed comment')
      const after = afterMarker(close + 2)
      if (!after) throw new LexError(lineAt(start), 'comment ends before closing delimiter')
      trimNext = after.trim
      return after.end
    }
    push('leftDelim', '{{', start)
    let parens = 0
    for (;;) {
      const close = afterMarker(p)
      if (close) {
        if (parens > 0) throw new LexError(lineAt(p), 'unclosed left paren')
        push('rightDelim', '}}', close.trim ? p + 1 : p)
        trimNext = close.trim
        return close.end
      }
      if (p >= src.length) throw new LexError(lineAt(start), 'unclosed action')
      const c = src[p]!
      const from = p
      if (isSpace(c)) {
        // Stop before a space that starts " -}}": the close is lexed on the next turn.
        while (isSpace(src[p]) && !afterMarker(p)?.trim) p++
        push('space', src.slice(from, p), from)
      } else if (c === '(') { parens++; p++; push('leftParen', c, from) }
      else if (c === ')') {
        if (--parens < 0) throw new LexError(lineAt(p), `unexpected right paren`)
        p++; push('rightParen', c, from)
      } else if (c === '|') { p++; push('pipe', c, from) }
      else if (c === ':') {
        if (src[p + 1] !== '=') throw new LexError(lineAt(p), 'expected :=')
        p += 2; push('declare', ':=', from)
      } else if (c === '=') { p++; push('assign', c, from) }
      else if (c === '"') p = lexQuote(p)
      else if (c === '`') p = lexRaw(p)
      else if (c === "'") p = lexCharConstant(p)
      else if (c === '$') { p = word(p + 1); push('variable', src.slice(from, p), from) }
      else if (c === '.' && !/[0-9]/.test(src[p + 1] ?? '')) {
        p = word(p + 1)
        push(p === from + 1 ? 'dot' : 'field', src.slice(from, p), from)
      } else if (/[0-9+\-.]/.test(c)) p = lexNumber(p)
      else if (isAlnum(c)) {
        p = word(p)
        const w = src.slice(from, p)
        push(w === 'true' || w === 'false' ? 'bool' : keywords.has(w) ? 'keyword' : 'identifier', w, from)
      } else if (c.charCodeAt(0) < 0x80 && c >= ' ') { p++; push('char', c, from) }
      else throw new LexError(lineAt(p), `unrecognized character in action: U+${c.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`)
    }
  }

  function word(p: number): number {
    while (isAlnum(src[p])) p++
    return p
  }

  function lexQuote(from: number): number {
    let p = from + 1
    for (;;) {
      const c = src[p]
      if (c === undefined || c === '\n') throw new LexError(lineAt(from), 'unterminated quoted string')
      if (c === '\\') p += 2
      else if (c === '"') break
      else p++
    }
    push('string', src.slice(from, p + 1), from)
    return p + 1
  }

  function lexRaw(from: number): number {
    const close = src.indexOf('`', from + 1)
    if (close < 0) throw new LexError(lineAt(from), 'unterminated raw quoted string')
    push('rawString', src.slice(from, close + 1), from)
    return close + 1
  }

  function lexCharConstant(from: number): number {
    let p = from + 1
    for (;;) {
      const c = src[p]
      if (c === undefined || c === '\n') throw new LexError(lineAt(from), 'unterminated character constant')
      if (c === '\\') p += 2
      else if (c === "'") break
      else p++
    }
    push('charConstant', src.slice(from, p + 1), from)
    return p + 1
  }

  function lexNumber(from: number): number {
    const m = /^[+-]?(0[xX][0-9a-fA-F_]+|0[bB][01_]+|0[oO][0-7_]+|(\d[\d_]*)?\.?[\d_]*([eE][+-]?\d+)?)/.exec(src.slice(from))
    const text = m?.[0] ?? ''
    const p = from + text.length
    if (!/[0-9]/.test(text) || isAlnum(src[p]) || src[p] === '.') {
      throw new LexError(lineAt(from), `bad number syntax: "${src.slice(from, word(p) + (src[p] === '.' ? 1 : 0))}"`)
    }
    push('number', text, from)
    return p
  }
}
