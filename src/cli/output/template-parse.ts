// Parser for Go text/template: tokens from template-lex.ts become the tree in template-ast.ts.
// It follows Go's grammar and its checks (unknown functions, undefined variables, a missing
// {{end}}) so mistakes surface at parse time with Go's wording. Variable scopes end at the
// {{end}} of the if/range/with that declared them.

import type { Branch, Command, Node, Operand, Pipe } from './template-ast.js'
import { lex, LexError, type Token } from './template-lex.js'
import { charValue, numberValue, unquote } from './template-literal.js'

export interface ParsedTemplate {
  root: Node[]
  /** Templates from {{define}} and {{block}}, by name. */
  defs: Map<string, Node[]>
}

/** A parse failure: `line` and Go's message, formatted by the caller. */
export class ParseError extends Error {
  constructor(readonly line: number, message: string) { super(message) }
}

type Stop = { kind: 'end' | 'else'; token: Token }

export function parse(src: string, isFunction: (name: string) => boolean): ParsedTemplate {
  let tokens: Token[]
  try {
    tokens = lex(src)
  } catch (e) {
    if (e instanceof LexError) throw new ParseError(e.line, e.message)
    throw e
  }
  let at = 0
  let vars: string[] = ['$']
  let rangeDepth = 0
  const defs = new Map<string, Node[]>()

  const peek = (): Token => tokens[at]!
  const next = (): Token => tokens[at++]!
  const skipSpace = () => { while (peek().type === 'space') at++ }
  const peekNonSpace = (): Token => { skipSpace(); return peek() }
  const nextNonSpace = (): Token => { skipSpace(); return next() }
  const fail = (t: Token, msg: string): never => { throw new ParseError(t.line, msg) }
  const describe = (t: Token): string => {
    if (t.type === 'eof') return 'EOF'
    if (t.type === 'keyword') return `<${t.text}>`
    return t.text.length > 10 ? `${JSON.stringify(t.text.slice(0, 10))}...` : JSON.stringify(t.text)
  }
  const expect = (type: Token['type'], context: string): Token => {
    const t = nextNonSpace()
    if (t.type !== type) fail(t, `unexpected ${describe(t)} in ${context}`)
    return t
  }

  const root: Node[] = []
  while (peek().type !== 'eof') {
    if (isDefineAhead()) {
      parseDefine()
      continue
    }
    const n = textOrAction()
    if ('kind' in n) fail(n.token, `unexpected {{${n.kind}}}`)
    else root.push(n)
  }
  return { root, defs }

  /** {{define}} is only allowed at the top level, as in Go. */
  function isDefineAhead(): boolean {
    if (peek().type !== 'leftDelim') return false
    let i = at + 1
    while (tokens[i]?.type === 'space') i++
    return tokens[i]?.type === 'keyword' && tokens[i]?.text === 'define'
  }

  function parseDefine(): void {
    next() // {{
    nextNonSpace() // define
    const { name } = templateName('define clause')
    expect('rightDelim', 'define clause')
    const saved = vars
    vars = ['$']
    const [list, stop] = itemList()
    if (stop.kind !== 'end') fail(stop.token, `unexpected {{${stop.kind}}} in define clause`)
    vars = saved
    defs.set(name, list)
  }

  /** The quoted name after define/template/block, and where it is: Go reports errors there. */
  function templateName(context: string): { name: string; pos: number } {
    const t = nextNonSpace()
    if (t.type !== 'string' && t.type !== 'rawString') fail(t, `unexpected ${describe(t)} in ${context}`)
    const name = unquote(t.text)
    return { name: name ?? fail(t, `invalid syntax: ${t.text}`), pos: t.pos }
  }

  function itemList(): [Node[], Stop] {
    const list: Node[] = []
    while (peek().type !== 'eof') {
      const n = textOrAction()
      if ('kind' in n) return [list, n]
      list.push(n)
    }
    return fail(peek(), 'unexpected EOF')
  }

  function textOrAction(): Node | Stop {
    const t = next()
    if (t.type === 'text') return { type: 'text', pos: t.pos, text: t.text }
    if (t.type !== 'leftDelim') return fail(t, `unexpected ${describe(t)} in input`)
    const k = peekNonSpace()
    if (k.type === 'keyword') {
      switch (k.text) {
        case 'end':
          next()
          expect('rightDelim', 'end')
          return { kind: 'end', token: k }
        case 'else':
          next()
          return { kind: 'else', token: k }
        case 'if':
        case 'range':
        case 'with':
          next()
          return control(k.text)
        case 'template':
          next()
          return templateCall()
        case 'block':
          next()
          return block()
        case 'break':
        case 'continue':
          next()
          if (rangeDepth === 0) fail(k, `{{${k.text}}} outside {{range}}`)
          expect('rightDelim', `{{${k.text}}}`)
          return { type: k.text, pos: k.pos }
      }
    }
    return { type: 'action', pos: k.pos, pipe: pipeline('command', 'rightDelim') }
  }

  function control(type: Branch['type']): Branch {
    const mark = vars.length
    const pipe = pipeline(type, 'rightDelim')
    if (type === 'range') rangeDepth++
    let [list, stop] = itemList()
    if (type === 'range') rangeDepth--
    let elseList: Node[] | undefined
    if (stop.kind === 'else') {
      const chained = peekNonSpace()
      // "{{else if}}" and "{{else with}}" nest a branch that shares our {{end}}.
      if (type !== 'range' && chained.type === 'keyword' && chained.text === type) {
        next()
        elseList = [control(type)]
      } else {
        expect('rightDelim', 'else')
        ;[elseList, stop] = itemList()
        if (stop.kind !== 'end') fail(stop.token, `expected end; found {{else}}`)
      }
    }
    vars.length = mark
    return { type, pos: pipe.pos, pipe, list, elseList }
  }

  function templateCall(): Node {
    const { name, pos } = templateName('template clause')
    if (peekNonSpace().type === 'rightDelim') {
      next()
      return { type: 'template', pos, name }
    }
    return { type: 'template', pos, name, pipe: pipeline('template clause', 'rightDelim') }
  }

  function block(): Node {
    const { name, pos } = templateName('block clause')
    const pipe = pipeline('block clause', 'rightDelim')
    const saved = vars
    vars = ['$']
    const [list, stop] = itemList()
    if (stop.kind !== 'end') fail(stop.token, `unexpected {{${stop.kind}}} in block clause`)
    vars = saved
    defs.set(name, list)
    return { type: 'template', pos, name, pipe }
  }

  function pipeline(context: string, end: 'rightDelim' | 'rightParen'): Pipe {
    const start = peekNonSpace()
    const pipe: Pipe = { type: 'pipe', pos: start.pos, isAssign: false, decl: [], cmds: [] }
    declarations(pipe, context)
    for (;;) {
      const t = nextNonSpace()
      if (t.type === end) break
      if (!['bool', 'charConstant', 'dot', 'field', 'identifier', 'number', 'rawString', 'string', 'variable', 'leftParen'].includes(t.type) && !(t.type === 'keyword' && t.text === 'nil')) {
        fail(t, `unexpected ${describe(t)} in ${context}`)
      }
      at--
      pipe.cmds.push(command())
    }
    if (pipe.cmds.length === 0) fail(peek(), `missing value for ${context}`)
    pipe.cmds.slice(1).forEach((c, i) => {
      if (['bool', 'dot', 'nil', 'number', 'string'].includes(c.args[0]!.type)) {
        fail(tokens[at - 1]!, `non executable command in pipeline stage ${i + 2}`)
      }
    })
    return pipe
  }

  /** "$x :=", "$x =" and, in range, "$i, $v :="; anything else is left for the commands. */
  function declarations(pipe: Pipe, context: string): void {
    const mark = at
    const names: string[] = []
    for (;;) {
      const v = peekNonSpace()
      if (v.type !== 'variable') break
      next()
      const op = peekNonSpace()
      if (op.type === 'declare' || op.type === 'assign') {
        next()
        names.push(v.text)
        pipe.isAssign = op.type === 'assign'
        if (pipe.isAssign && !vars.includes(v.text)) fail(v, `undefined variable "${v.text}"`)
        pipe.decl = names
        if (!pipe.isAssign) vars.push(...names)
        return
      }
      if (op.type === 'char' && op.text === ',') {
        next()
        names.push(v.text)
        if (context !== 'range' || names.length >= 2) fail(op, `too many declarations in ${context}`)
        continue
      }
      break
    }
    if (names.length > 0) fail(peek(), `missing := after variables in ${context}`)
    at = mark
  }

  function command(): Command {
    const cmd: Command = { type: 'command', pos: peekNonSpace().pos, args: [] }
    for (;;) {
      skipSpace()
      const op = operand()
      if (op) cmd.args.push(op)
      const t = next()
      if (t.type === 'space') continue
      if (t.type === 'rightDelim' || t.type === 'rightParen') { at--; break }
      if (t.type === 'pipe') break
      fail(t, `unexpected ${describe(t)} in operand`)
    }
    if (cmd.args.length === 0) fail(peek(), 'empty command')
    return cmd
  }

  function operand(): Operand | undefined {
    const node = term()
    if (!node || peek().type !== 'field') return node
    const fields: string[] = []
    while (peek().type === 'field') fields.push(next().text.slice(1))
    switch (node.type) {
      case 'field': return { ...node, ident: [...node.ident, ...fields] }
      case 'variable': return { ...node, ident: [...node.ident, ...fields] }
      case 'bool': case 'string': case 'number': case 'nil': case 'dot':
        return fail(peek(), `unexpected . after term "${node.type === 'string' ? node.text : node.type}"`)
      default: return { type: 'chain', pos: node.pos, node, field: fields }
    }
  }

  function term(): Operand | undefined {
    const t = nextNonSpace()
    switch (t.type) {
      case 'identifier':
        if (!isFunction(t.text)) fail(t, `function "${t.text}" not defined`)
        return { type: 'identifier', pos: t.pos, name: t.text }
      case 'dot': return { type: 'dot', pos: t.pos }
      case 'field': return { type: 'field', pos: t.pos, ident: [t.text.slice(1)] }
      case 'variable':
        if (!vars.includes(t.text)) fail(t, `undefined variable "${t.text}"`)
        return { type: 'variable', pos: t.pos, ident: [t.text] }
      case 'bool': return { type: 'bool', pos: t.pos, value: t.text === 'true' }
      case 'number':
      case 'charConstant': {
        const value = t.type === 'number' ? numberValue(t.text) : charValue(t.text)
        if (value === undefined) fail(t, `illegal number syntax: ${JSON.stringify(t.text)}`)
        return { type: 'number', pos: t.pos, text: t.text, value: value! }
      }
      case 'string':
      case 'rawString': {
        const value = unquote(t.text)
        if (value === undefined) fail(t, `invalid syntax: ${t.text}`)
        return { type: 'string', pos: t.pos, text: t.text, value: value! }
      }
      case 'leftParen': return pipeline('parenthesized pipeline', 'rightParen')
      case 'keyword':
        if (t.text === 'nil') return { type: 'nil', pos: t.pos }
    }
    at--
    return undefined
  }
}
