// Reading a request's JSON body the way dockerd does (moby httputils.ReadJSON): an empty body
// is no body; a syntax error is `invalid` (400) with Go's encoding/json wording, since clients
// and scripts show that text verbatim; trailing data after the value is rejected.
import type { Readable } from 'node:stream'
import { BerthError } from '../lib/errors.js'

/** True for `application/json` with or without parameters (charset). */
export function isJsonContentType(contentType: string | undefined): boolean {
  if (!contentType) return false
  return contentType.split(';')[0].trim().toLowerCase() === 'application/json'
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk)
  return Buffer.concat(chunks)
}

/** Parses a JSON body; undefined for an empty one. Throws `invalid` with Docker's message. */
export function parseJsonBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined
  const text = bytes.toString('utf8')
  const syntax = goSyntaxError(text)
  if (syntax === TRAILING) throw new BerthError('invalid', TRAILING)
  if (syntax) throw new BerthError('invalid', `invalid JSON: ${syntax}`)
  return JSON.parse(text)
}

const TRAILING = 'unexpected content after JSON'

// Go's quoteChar: 'x', '\'' , '"', '\n', '\x01'.
function quoteChar(c: string): string {
  if (c === "'") return `'\\''`
  if (c === '"') return `'"'`
  const q = JSON.stringify(c).slice(1, -1)
  return `'${/^\\u00[0-9a-f]{2}$/.test(q) ? `\\x${q.slice(4)}` : q}'`
}

class Syntax extends Error {}

/** Returns Go's json.Decoder error text for `text`, or undefined when it is one valid value. */
export function goSyntaxError(text: string): string | undefined {
  let i = 0
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i])) i++
  }
  const fail = (context: string): never => {
    if (i >= text.length) throw new Syntax('unexpected EOF')
    throw new Syntax(`invalid character ${quoteChar(text[i])} ${context}`)
  }
  const literal = (word: string) => {
    for (let k = 1; k < word.length; k++) {
      i++
      if (text[i] !== word[k]) fail(`in literal ${word} (expecting ${quoteChar(word[k])})`)
    }
    i++
  }
  const digits = (context: string) => {
    if (!/[0-9]/.test(text[i] ?? '')) fail(context)
    while (/[0-9]/.test(text[i] ?? '')) i++
  }
  const number = () => {
    if (text[i] === '-') {
      i++
      if (!/[0-9]/.test(text[i] ?? '')) fail('in numeric literal')
    }
    if (text[i] === '0') i++
    else digits('in numeric literal')
    if (text[i] === '.') {
      i++
      digits('after decimal point in numeric literal')
    }
    if (text[i] === 'e' || text[i] === 'E') {
      i++
      if (text[i] === '+' || text[i] === '-') i++
      digits('in exponent of numeric literal')
    }
  }
  const string = () => {
    i++
    for (;;) {
      const c = text[i]
      if (c === undefined) fail('')
      if (c === '"') return void i++
      if (c < ' ') fail('in string literal')
      if (c === '\\') {
        i++
        const e = text[i]
        if (e === 'u') {
          for (let k = 0; k < 4; k++) {
            i++
            if (!/[0-9a-fA-F]/.test(text[i] ?? '')) fail('in \\u hexadecimal character escape')
          }
        } else if (e === undefined || !'"\\/bfnrt'.includes(e)) fail('in string escape code')
      }
      i++
    }
  }
  const value = (): void => {
    ws()
    const c = text[i]
    if (c === '{') return object()
    if (c === '[') return array()
    if (c === '"') return string()
    if (c === '-' || (c >= '0' && c <= '9')) return number()
    if (c === 't') return literal('true')
    if (c === 'f') return literal('false')
    if (c === 'n') return literal('null')
    fail('looking for beginning of value')
  }
  const object = () => {
    i++
    ws()
    if (text[i] === '}') return void i++
    for (;;) {
      ws()
      if (text[i] !== '"') fail('looking for beginning of object key string')
      string()
      ws()
      if (text[i] !== ':') fail('after object key')
      i++
      value()
      ws()
      if (text[i] === ',') i++
      else if (text[i] === '}') return void i++
      else fail('after object key:value pair')
    }
  }
  const array = () => {
    i++
    ws()
    if (text[i] === ']') return void i++
    for (;;) {
      value()
      ws()
      if (text[i] === ',') i++
      else if (text[i] === ']') return void i++
      else fail('after array element')
    }
  }
  try {
    ws()
    if (i >= text.length) return 'got EOF while reading request body'
    value()
    ws()
    if (i < text.length) return TRAILING
    return undefined
  } catch (e) {
    if (e instanceof Syntax) return e.message
    throw e
  }
}
