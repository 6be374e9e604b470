// The parse tree of a template, close to Go's text/template/parse nodes. `pos` is an offset
// into the source, kept so execution errors can say "template: :1:7: executing ...".
// `show` renders a node back to source form for the "at <...>" part of those errors.

export type Operand =
  | { type: 'field'; pos: number; ident: string[] } // .A.B
  | { type: 'variable'; pos: number; ident: string[] } // $x.A, ident[0] is "$x"
  | { type: 'dot'; pos: number }
  | { type: 'nil'; pos: number }
  | { type: 'bool'; pos: number; value: boolean }
  | { type: 'number'; pos: number; text: string; value: number }
  | { type: 'string'; pos: number; text: string; value: string }
  | { type: 'identifier'; pos: number; name: string } // a function name
  | { type: 'chain'; pos: number; node: Operand; field: string[] } // (pipe).A.B
  | Pipe

export interface Command {
  type: 'command'
  pos: number
  args: Operand[]
}

export interface Pipe {
  type: 'pipe'
  pos: number
  isAssign: boolean
  decl: string[]
  cmds: Command[]
}

export type Node =
  | { type: 'text'; pos: number; text: string }
  | { type: 'action'; pos: number; pipe: Pipe }
  | Branch
  | { type: 'template'; pos: number; name: string; pipe?: Pipe }
  | { type: 'break' | 'continue'; pos: number }

/** if, range and with share a shape: a pipeline, the body, and an optional else body. */
export interface Branch {
  type: 'if' | 'range' | 'with'
  pos: number
  pipe: Pipe
  list: Node[]
  elseList?: Node[]
}

export function show(n: Operand | Command | Node): string {
  switch (n.type) {
    case 'field': return '.' + n.ident.join('.')
    case 'variable': return n.ident.join('.')
    case 'dot': return '.'
    case 'nil': return 'nil'
    case 'bool': return String(n.value)
    case 'number':
    case 'string': return n.text
    case 'identifier': return n.name
    case 'chain': return (n.node.type === 'pipe' ? `(${show(n.node)})` : show(n.node)) + '.' + n.field.join('.')
    case 'pipe': return (n.decl.length ? `${n.decl.join(', ')} ${n.isAssign ? '=' : ':='} ` : '') + n.cmds.map(show).join(' | ')
    case 'command': return n.args.map((a) => (a.type === 'pipe' ? `(${show(a)})` : show(a))).join(' ')
    case 'text': return n.text
    case 'action': return `{{${show(n.pipe)}}}`
    case 'if':
    case 'range':
    case 'with': return `{{${n.type} ${show(n.pipe)}}}`
    case 'template': return `{{template "${n.name}"${n.pipe ? ' ' + show(n.pipe) : ''}}}`
    case 'break':
    case 'continue': return `{{${n.type}}}`
  }
}
