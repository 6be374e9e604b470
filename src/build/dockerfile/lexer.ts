// Docker's shell lexer (moby/buildkit frontend/dockerfile/shell/lex.go), written anew: one pass
// over a word that expands `$NAME`, `${NAME}` and its modifiers, removes quotes and escapes, and
// also collects the blank-separated words (variables' values are split, quoted text is not).

/** Looks a variable up; undefined when unset. */
export type Lookup = (name: string) => string | undefined

export interface LexResult {
  /** The word with expansions done and quotes removed (ProcessWord). */
  word: string
  /** The same split into words on unquoted blanks (ProcessWords). */
  words: string[]
}

const isSpace = (ch: string): boolean => /\s/u.test(ch)
const isLetter = (ch: string): boolean => /\p{L}/u.test(ch)
const isDigit = (ch: string): boolean => /\p{Nd}/u.test(ch)
const SPECIAL = new Set(['@', '*', '#', '?', '-', '$', '!', '0'])

class Words {
  private buf = ''
  private inWord = false
  readonly list: string[] = []
  addChar(ch: string): void {
    if (isSpace(ch)) {
      if (this.inWord && this.buf.length > 0) {
        this.list.push(this.buf)
        this.buf = ''
        this.inWord = false
      }
    } else this.addRaw(ch)
  }
  addRaw(s: string): void {
    this.buf += s
    this.inWord = true
  }
  addString(s: string): void {
    for (const ch of s) this.addChar(ch)
  }
  done(): string[] {
    if (this.buf.length > 0) this.list.push(this.buf)
    this.buf = ''
    return this.list
  }
}

/** Shell pattern (`*`, `?`, `\`) → RegExp source, as Docker converts them for `${x%pat}` and `${x/pat/r}`. */
function patternToRegex(pattern: string, greedy: boolean, anchored: boolean): RegExp {
  let out = anchored ? '^' : ''
  const chars = [...pattern]
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!
    if (ch === '*') out += greedy ? '[\\s\\S]*' : '[\\s\\S]*?'
    else if (ch === '?') out += '[\\s\\S]'
    else if (ch === '\\') {
      const next = chars[i + 1]
      if (next === '}' || next === '/') continue
      if (next !== '*' && next !== '?' && next !== '\\') throw new Error(`invalid escape '\\${next ?? ''}'`)
      out += `\\${next}`
      i++
    } else out += ch.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')
  }
  return new RegExp(out, 'u')
}

function trimPrefix(pattern: string, value: string, greedy: boolean): string {
  const m = patternToRegex(pattern, greedy, true).exec(value)
  return m ? value.slice(m[0].length) : value
}

/** Reverses a pattern keeping `\x` pairs in order, so a suffix trim is a prefix trim reversed. */
function reversePattern(pattern: string): string {
  const chars = [...pattern]
  const out: string[] = []
  for (let i = 0; i < chars.length; ) {
    if (chars[i] === '\\' && i !== chars.length - 1) {
      out.unshift(chars[i]!, chars[i + 1]!)
      i += 2
    } else out.unshift(chars[i++]!)
  }
  return out.join('')
}

const reverse = (s: string): string => [...s].reverse().join('')

export class Lexer {
  private chars: string[] = []
  private pos = 0
  private rawEscapes = false

  constructor(private readonly escape: string, private readonly lookup: Lookup) {}

  run(word: string): LexResult {
    this.chars = [...word]
    this.pos = 0
    this.rawEscapes = false
    try {
      const [result, words] = this.until(undefined, false)
      return { word: result, words }
    } catch (e) {
      throw new Error(`failed to process ${JSON.stringify(word)}: ${(e as Error).message}`, { cause: e })
    }
  }

  private peek = (): string | undefined => this.chars[this.pos]
  private next = (): string | undefined => this.chars[this.pos++]

  /** Reads up to `stop` (consumed) or the end; returns the text and its words. */
  private until(stop: string | undefined, rawEscapes: boolean): [string, string[]] {
    const saved = this.rawEscapes
    this.rawEscapes = rawEscapes
    try {
      let result = ''
      const words = new Words()
      for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
        if (stop !== undefined && ch === stop) {
          this.next()
          return [result, words.done()]
        }
        if (ch === '$' || ch === "'" || ch === '"') {
          const part = ch === '$' ? this.dollar() : ch === "'" ? this.singleQuote() : this.doubleQuote()
          result += part
          if (ch === '$') words.addString(part)
          else words.addRaw(part)
          continue
        }
        this.next()
        if (ch === this.escape) {
          if (this.rawEscapes) {
            words.addRaw(ch)
            result += ch
          }
          const escaped = this.next()
          if (escaped === undefined) break
          words.addRaw(escaped)
          result += escaped
          continue
        }
        words.addChar(ch)
        result += ch
      }
      if (stop !== undefined) throw new Error(`unexpected end of statement while looking for matching ${stop}`)
      return [result, words.done()]
    } finally {
      this.rawEscapes = saved
    }
  }

  private singleQuote(): string {
    this.next()
    let out = ''
    for (;;) {
      const ch = this.next()
      if (ch === undefined) throw new Error('unexpected end of statement while looking for matching single-quote')
      if (ch === "'") return out
      out += ch
    }
  }

  private doubleQuote(): string {
    this.next()
    let out = ''
    for (;;) {
      const ch = this.peek()
      if (ch === undefined) throw new Error('unexpected end of statement while looking for matching double-quote')
      if (ch === '"') {
        this.next()
        return out
      }
      if (ch === '$') {
        out += this.dollar()
        continue
      }
      this.next()
      if (ch === this.escape) {
        if (this.rawEscapes) out += ch
        const after = this.peek()
        if (after === undefined) continue
        if (after === '"' || after === '$' || after === this.escape) {
          out += this.next()
          continue
        }
      }
      out += ch
    }
  }

  private name(): string {
    let name = ''
    for (let ch = this.peek(); ch !== undefined; ch = this.peek()) {
      if (name === '' && isDigit(ch)) {
        while (this.peek() !== undefined && isDigit(this.peek()!)) name += this.next()
        return name
      }
      if (name === '' && SPECIAL.has(ch)) return this.next()!
      if (!isLetter(ch) && !isDigit(ch) && ch !== '_') break
      name += this.next()
    }
    return name
  }

  private dollar(): string {
    this.next()
    if (this.peek() !== '{') {
      const name = this.name()
      return name === '' ? '$' : (this.lookup(name) ?? '')
    }
    this.next()
    const first = this.peek()
    if (first === undefined) throw new Error("syntax error: missing '}'")
    if (first === '{' || first === '}' || first === ':') throw new Error('syntax error: bad substitution')
    const name = this.name()
    let op = this.next()
    if (op === undefined) throw new Error("syntax error: missing '}'")
    if (op === '}') return this.lookup(name) ?? ''
    if (op === '/') return this.replace(name)
    let nullIsUnset = false
    let ops = op ?? ''
    if (op === ':') {
      nullIsUnset = true
      op = this.next()
      ops += op ?? ''
    }
    if (op !== '+' && op !== '-' && op !== '?' && op !== '#' && op !== '%') {
      throw new Error(`unsupported modifier (${ops}) in substitution`)
    }
    const trims = op === '#' || op === '%'
    if (nullIsUnset && trims) throw new Error(`unsupported modifier (${ops}) in substitution`)
    let word: string
    try {
      word = this.until('}', trims)[0]
    } catch (e) {
      if (this.peek() === undefined) throw new Error("syntax error: missing '}'")
      throw e
    }
    const value = this.lookup(name)
    const empty = value === undefined || (nullIsUnset && value === '')
    switch (op) {
      case '-':
        return empty ? word : value!
      case '+':
        return empty ? '' : word
      case '?':
        if (value === undefined) throw new Error(`${name}: ${word || 'is not allowed to be unset'}`)
        if (empty) throw new Error(`${name}: ${word || 'is not allowed to be empty'}`)
        return value
      default: {
        const greedy = word.startsWith(op)
        const pattern = greedy ? word.slice(1) : word
        const v = value ?? ''
        if (op === '#') return trimPrefix(pattern, v, greedy)
        return reverse(trimPrefix(reversePattern(pattern), reverse(v), greedy))
      }
    }
  }

  /** `${name/pattern/replacement}` and `${name//pattern/replacement}`. */
  private replace(name: string): string {
    const all = this.peek() === '/'
    if (all) this.next()
    let pattern: string
    let replacement: string
    try {
      pattern = this.until('/', true)[0]
    } catch (e) {
      if (this.peek() === undefined) throw new Error("syntax error: missing '/' in ${}")
      throw e
    }
    try {
      replacement = this.until('}', true)[0]
    } catch (e) {
      if (this.peek() === undefined) throw new Error("syntax error: missing '}'")
      throw e
    }
    const value = this.lookup(name) ?? ''
    const re = patternToRegex(pattern, true, false)
    if (all) return value.replace(new RegExp(re.source, 'gu'), () => replacement)
    return value.replace(re, () => replacement)
  }
}
