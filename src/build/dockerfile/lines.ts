// The first pass of the Dockerfile parser: text → logical lines. It applies the parser directives
// (`# escape=`, `# syntax=`, `# check=`, only before anything else), drops comments, joins lines
// continued with the escape character (skipping comment lines and empty lines inside a
// continuation), and remembers where each logical line starts. Errors are plain Errors; parse.ts
// words them.

export interface LogicalLine {
  /** The joined text, leading whitespace of the first physical line removed. */
  text: string
  /** 1-based physical line where it starts. */
  line: number
  /** 1-based physical line where it ends. */
  endLine: number
}

export interface LogicalLines {
  escape: string
  /** `# syntax=` value, if any (berth ignores it: there is only one frontend). */
  syntax?: string
  lines: LogicalLine[]
  /** Docker's warnings (empty continuation lines). */
  warnings: string[]
}

const DIRECTIVE = /^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/
const KNOWN_DIRECTIVES = new Set(['syntax', 'escape', 'check'])

/** Directives are read only while every line so far was one; the first other line ends them. */
class DirectiveReader {
  private done = false
  private readonly seen = new Set<string>()

  read(line: string): { name: string; value: string } | undefined {
    if (this.done) return undefined
    if (!line.startsWith('#')) {
      this.done = true
      return undefined
    }
    const m = DIRECTIVE.exec(line.slice(1).replace(/^\s+/, ''))
    const name = m?.[1]?.toLowerCase()
    if (!m || !name || !KNOWN_DIRECTIVES.has(name)) {
      this.done = true
      return undefined
    }
    if (this.seen.has(name)) throw new Error(`only one ${name} parser directive can be used`)
    this.seen.add(name)
    return { name, value: m[2]! }
  }
}

const isComment = (line: string): boolean => /^\s*#/.test(line)
const isBlank = (line: string): boolean => line.trim() === ''

function continuationRegex(escape: string): RegExp {
  const e = escape === '\\' ? '\\\\' : escape
  return new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`)
}

/** Docker reads lines with Go's bufio.Scanner, whose token limit (newline included) is 64 KiB. */
const MAX_LINE_BYTES = 64 * 1024 - 1

/** Physical lines as Go's scanner cuts them: at `\n`, trailing `\r`/`\n` removed. */
function physicalLines(text: string): string[] {
  if (text.length === 0) return []
  const parts = text.split('\n')
  if (parts[parts.length - 1] === '') parts.pop()
  for (const p of parts) {
    if (p.length >= MAX_LINE_BYTES / 4 && Buffer.byteLength(p) >= MAX_LINE_BYTES) {
      throw new Error(`dockerfile line greater than max allowed size of ${MAX_LINE_BYTES}`)
    }
  }
  return parts.map((l) => l.replace(/[\r\n]+$/, ''))
}

export function logicalLines(text: string): LogicalLines {
  const out: LogicalLines = { escape: '\\', lines: [], warnings: [] }
  const directives = new DirectiveReader()
  let continuation = continuationRegex(out.escape)
  const physical = physicalLines(text.replace(/^\uFEFF/, ''))
  // Returns [text without the continuation char, whether the logical line ends here].
  const trimContinuation = (line: string): [string, boolean] =>
    continuation.test(line) ? [line.replace(continuation, '$1'), false] : [line, true]

  let i = 0
  while (i < physical.length) {
    let raw = physical[i]!.replace(/^\s+/, '')
    i++
    const directive = directives.read(raw)
    if (directive?.name === 'escape') {
      if (directive.value !== '`' && directive.value !== '\\') {
        throw Object.assign(new Error(`invalid escape token '${directive.value}' does not match \` or \\`), { line: i })
      }
      out.escape = directive.value
      continuation = continuationRegex(out.escape)
    } else if (directive?.name === 'syntax') out.syntax = directive.value
    if (isComment(raw)) raw = ''
    const start = i
    let [part, ended] = trimContinuation(raw)
    if (ended && part.length === 0) continue
    let joined = part
    let sawEmpty = false
    while (!ended && i < physical.length) {
      const next = physical[i]!
      i++
      if (isComment(next)) continue
      if (isBlank(next)) {
        sawEmpty = true
        continue
      }
      ;[part, ended] = trimContinuation(next)
      joined += part
    }
    if (sawEmpty) out.warnings.push(`Empty continuation line found in: ${joined}`)
    out.lines.push({ text: joined, line: start, endLine: i })
  }
  return out
}
