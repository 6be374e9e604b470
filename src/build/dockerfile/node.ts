// The parser-level shape of one logical line (Docker's parser package): keyword, builder flags,
// and arguments split the way that keyword's arguments are split (JSON or shell form, words,
// key/value pairs). Nothing here checks argument counts; parse.ts does that.
import { extractFlags, parseWords, splitFirst, splitWhitespace } from './words.js'

export interface Node {
  keyword: string
  flagWords: string[]
  args: string[]
  json: boolean
  pairs?: Array<[string, string]>
  trigger?: Node
  /** The arguments text after flags, as written. */
  rest: string
  original: string
}

type Shape = (rest: string, escape: string) => Pick<Node, 'args' | 'json' | 'pairs' | 'trigger'>

const NOT_STRINGS = 'when using JSON array syntax, arrays must be comprised of strings only'

/** The JSON-array form, or undefined when `rest` is not one (Docker then falls back to shell form). */
function jsonArray(rest: string): string[] | undefined {
  const text = rest.replace(/^\s+/, '')
  if (!text.startsWith('[')) return undefined
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  if (!Array.isArray(value)) return undefined
  if (!value.every((v) => typeof v === 'string')) throw new Error(NOT_STRINGS)
  return value as string[]
}

const maybeJson: Shape = (rest) => {
  if (rest === '') return { args: [], json: false }
  const arr = jsonArray(rest)
  return arr ? { args: arr, json: true } : { args: [rest], json: false }
}

const maybeJsonToList: Shape = (rest) => {
  const arr = jsonArray(rest)
  return arr ? { args: arr, json: true } : { args: splitWhitespace(rest), json: false }
}

const whitespaceWords: Shape = (rest) => ({ args: splitWhitespace(rest), json: false })
const oneString: Shape = (rest) => ({ args: rest === '' ? [] : [rest], json: false })
const nameOrNameValue: Shape = (rest, escape) => ({ args: parseWords(rest, escape), json: false })

function nameValue(keyword: string): Shape {
  return (rest, escape) => {
    const words = parseWords(rest, escape)
    if (words.length === 0) return { args: [], json: false, pairs: [] }
    if (!words[0]!.includes('=')) {
      const [key, value] = splitFirst(rest)
      if (value === undefined) throw new Error(`${keyword} must have two arguments`)
      return { args: [key, value], json: false, pairs: [[key, value]] }
    }
    const pairs: Array<[string, string]> = words.map((word) => {
      const eq = word.indexOf('=')
      if (eq < 0) throw new Error(`Syntax error - can't find = in ${JSON.stringify(word)}. Must be of the form: name=value`)
      return [word.slice(0, eq), word.slice(eq + 1)]
    })
    return { args: words, json: false, pairs }
  }
}

const healthConfig: Shape = (rest, escape) => {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(rest)
  if (!m) return { args: [], json: false }
  const cmd = maybeJson(m[2]!, escape)
  return { args: [m[1]!, ...cmd.args], json: cmd.json }
}

const subCommand: Shape = (rest, escape) => {
  if (rest === '') return { args: [], json: false }
  const trigger = parseNode(rest, escape)
  return { args: [rest], json: false, trigger }
}

const SHAPES: Record<string, Shape> = {
  ADD: maybeJsonToList,
  ARG: nameOrNameValue,
  CMD: maybeJson,
  COPY: maybeJsonToList,
  ENTRYPOINT: maybeJson,
  ENV: nameValue('ENV'),
  EXPOSE: whitespaceWords,
  FROM: whitespaceWords,
  HEALTHCHECK: healthConfig,
  LABEL: nameValue('LABEL'),
  MAINTAINER: oneString,
  ONBUILD: subCommand,
  RUN: maybeJson,
  SHELL: maybeJson,
  STOPSIGNAL: oneString,
  USER: oneString,
  VOLUME: maybeJsonToList,
  WORKDIR: oneString,
}

export const KEYWORDS: readonly string[] = Object.keys(SHAPES)

/** One logical line → its node. Throws Error for what Docker's parser refuses. */
export function parseNode(line: string, escape: string): Node {
  const [word, after] = splitFirst(line)
  const [rest, flagWords] = after === undefined ? ['', []] : extractFlags(after, escape)
  const restTrimmed = rest.trim()
  const keyword = word.toUpperCase()
  const shape = SHAPES[keyword] as Shape | undefined
  const parts = shape ? shape(restTrimmed, escape) : { args: [], json: false }
  return { keyword: shape ? keyword : word, flagWords, rest: restTrimmed, original: line.trim(), ...parts }
}
