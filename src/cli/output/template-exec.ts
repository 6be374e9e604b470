// Executes a parsed template over JSON-like data, following Go's text/template exec rules:
// dot moves through with/range, variables live until the {{end}} of their block, a missing
// map key is Go's invalid value (printed "<no value>"), and a field of a nil value is an error.
// Failures carry Go's "template: :line:col: executing ... at <node>: ..." wording.

import { show, type Branch, type Command, type Node, type Operand, type Pipe } from './template-ast.js'
import { argTypeError, CallError, funcs, type TemplateFunc } from './template-funcs.js'
import type { ParsedTemplate } from './template-parse.js'
import { formatValue, isDict, isTrue, sortedKeys, typeName } from './template-values.js'

export interface ExecOptions {
  /** Go's missingkey option: 'error' is what `docker inspect` uses on its raw-JSON fallback. */
  missingKey?: 'default' | 'error'
}

/** An execution failure, already worded as Go words it. */
export class ExecError extends Error {}

/** Marks "no value piped in", which differs from piping in a missing (undefined) value. */
const NO_FINAL = Symbol('no final')
type Final = unknown

type Signal = 'break' | 'continue' | undefined
const maxDepth = 1000

interface Variable { name: string; value: unknown }

export function execute(tmpl: ParsedTemplate, src: string, data: unknown, opts: ExecOptions = {}): string {
  const out: string[] = []
  let vars: Variable[] = [{ name: '$', value: data }]
  let at: { pos: number; show: string } | undefined
  let name = ''
  let depth = 0

  walkList(data, tmpl.root)
  return out.join('')

  function fail(msg: string): never {
    if (!at) throw new ExecError(`template: ${name}: ${msg}`)
    const before = src.slice(0, at.pos)
    const lineStart = before.lastIndexOf('\n') + 1
    const line = 1 + (before.match(/\n/g)?.length ?? 0)
    const col = Buffer.byteLength(before.slice(lineStart))
    const context = at.show.length > 20 ? `${at.show.slice(0, 20)}...` : at.show
    throw new ExecError(`template: :${line}:${col}: executing ${JSON.stringify(name)} at <${context}>: ${msg}`)
  }
  /** The innermost variable of that name: inner blocks shadow outer ones. */
  function findVar(varName: string): Variable | undefined {
    for (let i = vars.length - 1; i >= 0; i--) if (vars[i]!.name === varName) return vars[i]
    return undefined
  }
  function mark(n: Operand | Command | Node): void {
    at = { pos: n.pos, show: show(n) }
  }

  function walkList(dot: unknown, list: Node[]): Signal {
    for (const n of list) {
      const signal = walk(dot, n)
      if (signal) return signal
    }
    return undefined
  }

  function walk(dot: unknown, n: Node): Signal {
    switch (n.type) {
      case 'text':
        out.push(n.text)
        return undefined
      case 'action': {
        mark(n)
        const value = evalPipeline(dot, n.pipe)
        if (n.pipe.decl.length === 0) out.push(value === undefined || value === null ? '<no value>' : formatValue(value))
        return undefined
      }
      case 'if':
      case 'with':
        return walkIfOrWith(dot, n)
      case 'range':
        return walkRange(dot, n)
      case 'template':
        return walkTemplate(dot, n)
      case 'break':
      case 'continue':
        return n.type
    }
  }

  function walkIfOrWith(dot: unknown, n: Branch): Signal {
    mark(n)
    const saved = vars.length
    const value = evalPipeline(dot, n.pipe)
    let signal: Signal
    if (isTrue(value)) signal = walkList(n.type === 'with' ? value : dot, n.list)
    else if (n.elseList) signal = walkList(dot, n.elseList)
    vars.length = saved
    return signal
  }

  function walkRange(dot: unknown, n: Branch): Signal {
    mark(n)
    const saved = vars.length
    const value = evalPipelineValue(dot, n.pipe)
    const entries = rangeEntries(value)
    if (entries.length === 0) {
      const signal = n.elseList ? walkList(dot, n.elseList) : undefined
      vars.length = saved
      return signal
    }
    for (const [key, elem] of entries) {
      // One variable gets the element; with two, the first gets the index or key.
      if (n.pipe.decl.length === 1) declare(n.pipe, [elem])
      else if (n.pipe.decl.length === 2) declare(n.pipe, [key, elem])
      const signal = walkList(elem, n.list)
      vars.length = saved
      if (signal === 'break') break
    }
    return undefined
  }

  function rangeEntries(value: unknown): [unknown, unknown][] {
    if (value === undefined || value === null) return []
    if (Array.isArray(value)) return value.map((e, i) => [i, e])
    if (isDict(value)) return sortedKeys(value).map((k) => [k, value[k]])
    if (typeof value === 'number' && Number.isInteger(value)) {
      return Array.from({ length: Math.max(0, value) }, (_, i) => [i, i])
    }
    return fail(`range can't iterate over ${formatValue(value)}`)
  }

  function walkTemplate(dot: unknown, n: Extract<Node, { type: 'template' }>): Signal {
    mark(n)
    const body = tmpl.defs.get(n.name)
    if (!body) fail(`no such template ${JSON.stringify(n.name)}`)
    if (depth >= maxDepth) fail(`exceeded maximum template depth (${maxDepth})`)
    const newDot = n.pipe ? evalPipeline(dot, n.pipe) : undefined
    const saved = { vars, name }
    vars = [{ name: '$', value: newDot }]
    name = n.name
    depth++
    walkList(newDot, body!)
    depth--
    ;({ vars, name } = saved)
    return undefined
  }

  function declare(pipe: Pipe, values: unknown[]): void {
    pipe.decl.forEach((v, i) => {
      const value = values[i]
      if (!pipe.isAssign) { vars.push({ name: v, value }); return }
      const slot = findVar(v)
      if (!slot) fail(`undefined variable: ${v}`)
      slot!.value = value
    })
  }

  function evalPipeline(dot: unknown, pipe: Pipe): unknown {
    const value = evalPipelineValue(dot, pipe)
    declare(pipe, pipe.decl.map(() => value))
    return value
  }

  function evalPipelineValue(dot: unknown, pipe: Pipe): unknown {
    let value: Final = NO_FINAL
    for (const cmd of pipe.cmds) value = evalCommand(dot, cmd, value)
    // A nil interface{} result is Go's invalid value from here on.
    return value === null ? undefined : value
  }

  function evalCommand(dot: unknown, cmd: Command, final: Final): unknown {
    const first = cmd.args[0]!
    switch (first.type) {
      case 'field': mark(first); return evalFieldChain(dot, first.ident, cmd.args, final)
      case 'chain': return evalChain(dot, first, cmd.args, final)
      case 'identifier': return evalFunction(dot, first, cmd, final)
      case 'variable': return evalVariable(first, cmd.args, final)
      case 'pipe': notAFunction(cmd.args, final); return evalPipeline(dot, first)
    }
    mark(first)
    notAFunction(cmd.args, final)
    switch (first.type) {
      case 'bool':
      case 'number':
      case 'string': return first.value
      case 'dot': return dot
      case 'nil': return fail('nil is not a command')
    }
  }

  function notAFunction(args: Operand[], final: Final): void {
    if (args.length > 1 || final !== NO_FINAL) fail(`can't give argument to non-function ${show(args[0]!)}`)
  }

  function evalChain(dot: unknown, chain: Extract<Operand, { type: 'chain' }>, args: Operand[], final: Final): unknown {
    if (args.length > 1) fail(`can't give argument to non-function ${show(chain.node)}`)
    const receiver = evalArg(dot, chain.node)
    mark(chain)
    return evalFieldChain(receiver, chain.field, args, final)
  }

  function evalVariable(v: Extract<Operand, { type: 'variable' }>, args: Operand[], final: Final): unknown {
    mark(v)
    const slot = findVar(v.ident[0]!)
    if (!slot) fail(`undefined variable: ${v.ident[0]}`)
    if (v.ident.length === 1) { notAFunction(args, final); return slot!.value }
    return evalFieldChain(slot!.value, v.ident.slice(1), args, final)
  }

  function evalFieldChain(receiver: unknown, ident: string[], args: Operand[], final: Final): unknown {
    ident.forEach((field, i) => {
      const last = i === ident.length - 1
      receiver = evalField(field, receiver, last && (args.length > 1 || final !== NO_FINAL))
    })
    return receiver
  }

  function evalField(field: string, receiver: unknown, hasArgs: boolean): unknown {
    if (receiver === undefined) {
      if (opts.missingKey === 'error') fail(`nil data; no entry for key ${JSON.stringify(field)}`)
      return undefined
    }
    if (receiver === null) fail(`nil pointer evaluating interface {}.${field}`)
    if (!isDict(receiver)) fail(`can't evaluate field ${field} in type ${typeName(receiver)}`)
    if (hasArgs) fail(`${field} is not a method but has arguments`)
    const dict = receiver as Record<string, unknown>
    if (Object.prototype.hasOwnProperty.call(dict, field) && dict[field] !== undefined) return dict[field]
    if (opts.missingKey === 'error') fail(`map has no entry for key ${JSON.stringify(field)}`)
    return undefined
  }

  function evalFunction(dot: unknown, id: Extract<Operand, { type: 'identifier' }>, cmd: Command | Operand, final: Final): unknown {
    mark(id)
    const fn = funcs.get(id.name)
    if (!fn) fail(`${JSON.stringify(id.name)} is not a defined function`)
    const argNodes = cmd.type === 'command' ? cmd.args.slice(1) : []
    const count = argNodes.length + (final === NO_FINAL ? 0 : 1)
    const want = fn!.params.length
    if (fn!.variadic ? count < want : count !== want) {
      fail(`wrong number of args for ${id.name}: want ${fn!.variadic ? 'at least ' : ''}${want} got ${count}`)
    }
    if (id.name === 'and' || id.name === 'or') return shortCircuit(dot, id.name === 'or', argNodes, final)
    const args = argNodes.map((a, i) => checked(fn!, i, evalArg(dot, a)))
    if (final !== NO_FINAL) args.push(checked(fn!, args.length, final))
    try {
      return fn!.fn(args)
    } catch (e) {
      if (!(e instanceof CallError)) throw e
      mark(cmd)
      return fail(`error calling ${id.name}: ${e.message}`)
    }
  }

  /** A missing value goes into a function as nil, as Go's interface{} parameters see it. */
  function checked(fn: TemplateFunc, i: number, value: unknown): unknown {
    const problem = argTypeError(fn.params[i] ?? 'any', value)
    if (problem) fail(problem)
    return value ?? null
  }

  /** and/or stop at the first argument that decides the answer, and return that argument. */
  function shortCircuit(dot: unknown, isOr: boolean, argNodes: Operand[], final: Final): unknown {
    let value: unknown
    for (const a of argNodes) {
      value = evalArg(dot, a)
      if (isTrue(value) === isOr) return value
    }
    return final === NO_FINAL ? value : final
  }

  function evalArg(dot: unknown, n: Operand): unknown {
    mark(n)
    switch (n.type) {
      case 'dot': return dot
      case 'nil': return null
      case 'field': return evalFieldChain(dot, n.ident, [n], NO_FINAL)
      case 'variable': return evalVariable(n, [n], NO_FINAL)
      case 'pipe': return evalPipeline(dot, n)
      case 'identifier': return evalFunction(dot, n, n, NO_FINAL)
      case 'chain': return evalChain(dot, n, [n], NO_FINAL)
      case 'bool':
      case 'number':
      case 'string': return n.value
    }
  }
}
