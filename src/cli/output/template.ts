// Go text/template for --format, as the docker CLI runs it: Go's builtins plus docker's
// json/split/join/title/lower/upper/pad/truncate. compile() parses once and returns a renderer,
// so a list command can render every row with the same template. Parsing is in
// template-lex/-parse, execution in template-exec, printing rules in template-values/-printf.

import { BerthError } from '../../lib/errors.js'
import { execute, ExecError, type ExecOptions } from './template-exec.js'
import { funcs } from './template-funcs.js'
import { parse, ParseError } from './template-parse.js'

export type { ExecOptions } from './template-exec.js'

/**
 * Parses `src` or throws BerthError('invalid', 'template parsing error: template: :1: ...').
 * The renderer throws BerthError('invalid', 'template: :1:2: executing "" at <.X>: ...').
 */
export function compile(src: string, opts: ExecOptions = {}): (data: unknown) => string {
  let tmpl
  try {
    tmpl = parse(src, (name) => funcs.has(name))
  } catch (e) {
    if (e instanceof ParseError) throw new BerthError('invalid', `template parsing error: template: :${e.line}: ${e.message}`)
    throw e
  }
  return (data) => {
    try {
      return execute(tmpl, src, data, opts)
    } catch (e) {
      if (e instanceof ExecError) throw new BerthError('invalid', e.message)
      throw e
    }
  }
}
