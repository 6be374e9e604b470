// Word splitting the Dockerfile parser does before any expansion: builder flags (`--from=x`) at
// the start of the arguments, quote-aware words for ENV/LABEL/ARG (quotes and escapes are kept:
// expansion removes them later), and plain whitespace splitting for the other word lists.

const WHITESPACE = /[\t\v\f\r ]+/
const isSpace = (ch: string): boolean => /\s/u.test(ch)

/** Docker's reWhitespace split (no quote handling), as for COPY/ADD/VOLUME/EXPOSE/FROM words. */
export const splitWhitespace = (rest: string): string[] => (rest === '' ? [] : rest.split(WHITESPACE))

/** The first whitespace-separated word and the rest, as Docker splits `KEYWORD rest`. */
export function splitFirst(line: string): [string, string | undefined] {
  const trimmed = line.trim()
  const m = WHITESPACE.exec(trimmed)
  if (!m) return [trimmed, undefined]
  return [trimmed.slice(0, m.index), trimmed.slice(m.index + m[0].length)]
}

/**
 * Leading `--name[=value]` words → [the rest of the line, the flag words (quotes removed)].
 * A bare `--` ends the flags.
 */
export function extractFlags(line: string, escape: string): [string, string[]] {
  const words: string[] = []
  let word = ''
  let inWord = false
  let quote = ''
  let blankOk = false
  for (let pos = 0; pos <= line.length; pos++) {
    const ch = line[pos] ?? ''
    const atEnd = pos === line.length
    if (!inWord) {
      if (atEnd) break
      if (isSpace(ch)) continue
      if (ch !== '-' || line[pos + 1] !== '-') return [line.slice(pos), words]
      inWord = true
    }
    if (atEnd) {
      if (word !== '--' && (blankOk || word.length > 0)) words.push(word)
      break
    }
    if (quote === '') {
      if (isSpace(ch)) {
        if (word === '--') return [line.slice(pos), words]
        if (blankOk || word.length > 0) words.push(word)
        word = ''
        blankOk = false
        inWord = false
        continue
      }
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOk = true
        continue
      }
    } else if (ch === quote) {
      quote = ''
      continue
    }
    if (ch === escape) {
      if (pos + 1 === line.length) {
        quote = ''
        continue
      }
      pos++
      word += line[pos]
      continue
    }
    word += ch
  }
  return ['', words]
}

/** Quote-aware words; quotes and escapes are kept in the words (ENV/LABEL/ARG). */
export function parseWords(rest: string, escape: string): string[] {
  const words: string[] = []
  const chars = [...rest]
  let word = ''
  let inWord = false
  let quote = ''
  let blankOk = false
  for (let pos = 0; pos <= chars.length; pos++) {
    const atEnd = pos === chars.length
    const ch = chars[pos] ?? ''
    if (!inWord) {
      if (atEnd) break
      if (isSpace(ch)) continue
      inWord = true
    }
    if (atEnd) {
      if (blankOk || word.length > 0) words.push(word)
      break
    }
    if (quote === '') {
      if (isSpace(ch)) {
        if (blankOk || word.length > 0) words.push(word)
        word = ''
        blankOk = false
        inWord = false
        continue
      }
      if (ch === "'" || ch === '"') {
        quote = ch
        blankOk = true
      } else if (ch === escape) {
        if (pos + 1 === chars.length) continue
        word += ch
        pos++
        word += chars[pos]
        continue
      }
      word += ch
      continue
    }
    if (ch === quote) quote = ''
    else if (ch === escape && quote !== "'") {
      if (pos + 1 === chars.length) {
        quote = ''
        continue
      }
      word += ch
      pos++
      word += chars[pos]
      continue
    }
    word += ch
  }
  return words
}
