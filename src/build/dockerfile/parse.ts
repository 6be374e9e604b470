// Dockerfile text → the shared AST (types.ts), following Docker's parser (moby/buildkit
// frontend/dockerfile/parser) and its instruction checks (…/instructions) as the classic builder
// runs them. Words stay unexpanded here; see expand.ts. Messages are Docker's:
//   parser-level     `failed to parse Dockerfile: <why>`
//   instruction      `dockerfile parse error on line 3: unknown instruction: FOO`
import { BerthError } from '../../lib/errors.js'
import { parseHealthcheck } from './instructions.js'
import { BuildkitOnlyError, parseFlags, suggest } from './flags.js'
import { logicalLines } from './lines.js'
import { KEYWORDS, parseNode, type Node } from './node.js'
import type { Dockerfile, Instruction, Stage } from './types.js'

const STAGE_NAME = /^[a-z][a-z0-9-_.]*$/
const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD'])

/** An instruction Docker refuses: worded with the line by parseDockerfile. */
class InstructionError extends Error {}

const atLeastOne = (k: string) => new InstructionError(`${k} requires at least one argument`)
const exactlyOne = (k: string) => new InstructionError(`${k} requires exactly one argument`)
const blankNames = (k: string) => new InstructionError(`${k} names can not be blank`)

function unknownInstruction(word: string): InstructionError {
  const lower = word.toLowerCase()
  const match = suggest(lower, KEYWORDS.map((k) => k.toLowerCase()))
  if (!match) return new InstructionError(`unknown instruction: ${word}`)
  const cased = word === lower ? match : word === word.toUpperCase() ? match.toUpperCase() : match
  return new InstructionError(`unknown instruction: ${word} (did you mean ${cased}?)`)
}

/** Quote-aware words with quotes kept, enough to tell a heredoc word from a quoted `<<`. */
function rawWords(line: string): string[] {
  return line.match(/(?:[^\s"']+|"(?:\\.|[^"\\])*"?|'[^']*'?)+/g) ?? []
}

function refuseHeredoc(node: Node): void {
  if (node.trigger) refuseHeredoc(node.trigger)
  if (!HEREDOC_KEYWORDS.has(node.keyword) || node.json || !node.rest.includes('<<')) return
  for (const word of rawWords(node.rest)) {
    const m = HEREDOC_WORD.exec(word)
    if (m && m[3] !== '') throw new InstructionError('heredocs (<<EOF) are not supported by this builder; use RUN with a shell command or COPY a file')
  }
}

/** Docker's instruction-level checks (instructions.Parse) for one node. */
function checkNode(node: Node): Record<string, string> {
  const { keyword, args } = node
  if (!KEYWORDS.includes(keyword)) throw unknownInstruction(keyword)
  const healthNone = keyword === 'HEALTHCHECK' && args[0]?.toUpperCase() === 'NONE'
  const flags = healthNone ? {} : parseFlagsAs(keyword, node.flagWords)
  switch (keyword) {
    case 'ENV':
    case 'LABEL':
      if (args.length === 0) throw atLeastOne(keyword)
      if (node.pairs!.some(([k]) => k === '')) throw blankNames(keyword)
      break
    case 'MAINTAINER':
    case 'WORKDIR':
    case 'USER':
    case 'STOPSIGNAL':
      if (args.length !== 1) throw exactlyOne(keyword)
      break
    case 'ADD':
    case 'COPY':
      if (args.length < 2) {
        throw new InstructionError(`${keyword} requires at least two arguments, but only one was provided. Destination could not be determined`)
      }
      break
    case 'FROM':
      stageName(args)
      break
    case 'ONBUILD':
      checkOnbuild(node)
      break
    case 'EXPOSE':
    case 'ARG':
    case 'VOLUME':
      if (args.length === 0) throw atLeastOne(keyword)
      if (keyword === 'VOLUME' && args.some((v) => v.trim() === '')) throw new InstructionError('VOLUME specified can not be an empty string')
      if (keyword === 'ARG' && args.some((w) => w.startsWith('='))) throw blankNames('ARG')
      break
    case 'SHELL':
      if (args.length === 0) throw atLeastOne('SHELL')
      if (!node.json) throw new InstructionError('SHELL requires the arguments to be in JSON form')
      break
    case 'HEALTHCHECK':
      wrapInstruction(() => parseHealthcheck({ args, json: node.json, flags }))
      break
  }
  refuseHeredoc(node)
  return flags
}

function parseFlagsAs(keyword: string, words: string[]): Record<string, string> {
  try {
    return parseFlags(keyword, words)
  } catch (e) {
    if (e instanceof BuildkitOnlyError) throw e
    throw new InstructionError((e as Error).message)
  }
}

function wrapInstruction<T>(fn: () => T): T {
  try {
    return fn()
  } catch (e) {
    throw new InstructionError((e as Error).message)
  }
}

function stageName(args: readonly string[]): string | undefined {
  if (args.length === 3 && args[1]!.toLowerCase() === 'as') {
    const name = args[2]!.toLowerCase()
    if (!STAGE_NAME.test(name)) {
      throw new InstructionError(`invalid name for build stage: ${JSON.stringify(args[2])}, name can't start with a number or contain symbols`)
    }
    return name
  }
  if (args.length !== 1) throw new InstructionError('FROM requires either one or three arguments')
  return undefined
}

function checkOnbuild(node: Node): void {
  if (node.args.length === 0) throw atLeastOne('ONBUILD')
  const trigger = node.trigger!.keyword.toUpperCase()
  if (trigger === 'ONBUILD') throw new InstructionError('Chaining ONBUILD via `ONBUILD ONBUILD` isn\'t allowed')
  if (trigger === 'MAINTAINER' || trigger === 'FROM') throw new InstructionError(`${trigger} isn't allowed as an ONBUILD trigger`)
}

function toInstruction(node: Node, line: number, flags: Record<string, string>): Instruction {
  const ins: Instruction = { keyword: node.keyword, args: node.args, json: node.json, flags, original: node.original, line }
  if (node.pairs) ins.pairs = node.pairs
  if (node.trigger) {
    // Docker checks a trigger's own arguments only when a child image runs it.
    let triggerFlags: Record<string, string> = {}
    try {
      triggerFlags = parseFlags(node.trigger.keyword, node.trigger.flagWords)
    } catch { /* kept as written */ }
    ins.trigger = toInstruction(node.trigger, line, triggerFlags)
  }
  return ins
}

const invalid = (message: string, cause?: unknown) => new BerthError('invalid', message, { cause })

/**
 * Parses a whole Dockerfile. `name` is the Dockerfile's path in the context (for messages).
 * Throws BerthError('invalid') with Docker's wording.
 */
export function parseDockerfile(text: string, name = 'Dockerfile'): Dockerfile {
  if (text.length === 0) throw invalid(`the Dockerfile (${name}) cannot be empty`)
  let lines
  try {
    lines = logicalLines(text)
  } catch (e) {
    throw invalid(`failed to parse ${name}: ${(e as Error).message}`, e)
  }
  const nodes: Array<{ node: Node; line: number }> = []
  for (const l of lines.lines) {
    try {
      nodes.push({ node: parseNode(l.text, lines.escape), line: l.line })
    } catch (e) {
      throw invalid(`failed to parse ${name}: ${(e as Error).message}`, e)
    }
  }
  if (nodes.length === 0) throw invalid(`failed to parse ${name}: file with no instructions`)
  const df = assemble(nodes, lines.escape)
  if (lines.warnings.length > 0) {
    df.warnings = [
      ...lines.warnings.map((w) => `[WARNING]: ${w}`),
      '[WARNING]: Empty continuation lines will become errors in a future release.',
    ]
  }
  return df
}

function assemble(nodes: Array<{ node: Node; line: number }>, escape: string): Dockerfile {
  const out: Dockerfile = { escape, globalArgs: [], stages: [] }
  const names = new Set<string>()
  for (const { node, line } of nodes) {
    let ins: Instruction
    try {
      ins = toInstruction(node, line, checkNode(node))
    } catch (e) {
      if (e instanceof InstructionError) throw invalid(`dockerfile parse error on line ${line}: ${e.message}`, e)
      throw invalid((e as Error).message, e)
    }
    if (ins.keyword === 'FROM') {
      out.stages.push(newStage(ins, names))
      continue
    }
    const stage = out.stages[out.stages.length - 1]
    if (stage) stage.instructions.push(ins)
    else if (ins.keyword === 'ARG') out.globalArgs.push(ins)
    else throw invalid('no build stage in current context')
  }
  if (out.stages.length === 0) throw invalid('No image was generated. Is your Dockerfile empty?')
  return out
}

function newStage(from: Instruction, names: Set<string>): Stage {
  const name = stageName(from.args)
  const stage: Stage = { base: from.args[0]!, from, instructions: [] }
  if (name !== undefined) {
    if (names.has(name)) throw invalid(`${name} stage name already used`)
    names.add(name)
    stage.name = name
  }
  if (from.flags.platform !== undefined) stage.platform = from.flags.platform
  return stage
}
