// --format for list commands, as docker's formatter reads it: "" or "table" → the default
// table; "table TEMPLATE" → a header row plus one row per item, aligned with the tabwriter;
// "json" → one JSON object per line; anything else → the template per item, no header.
// `\t` and `\n` typed literally in the format become tabs and newlines.
import { tabwrite } from './tabwriter.js'
import { compile } from './template.js'
import { HTML_ESCAPED_JSON } from './template-funcs.js'

export interface ListSpec {
  defaultTable: string
  quiet: string
  /** Header text per field name (`ID` → `CONTAINER ID`). */
  headers: Record<string, string>
}

/** `{{.Label "k"}}` is a method call in docker; our rows carry a hidden LabelMap instead. */
export function rewriteLabelCalls(format: string): string {
  return format.replace(/\.Label\s+("(?:[^"\\]|\\.)*"|`[^`]*`)/g, '(index .LabelMap $1)')
}

export function resolveFormat(spec: ListSpec, format: string | undefined, quiet: boolean): string {
  const f = format ?? ''
  if (f === '' || f === 'table') return quiet ? spec.quiet : spec.defaultTable
  if (f === 'raw') return quiet ? spec.quiet : f
  if (f === 'json') return '{{json .}}'
  return f
}

export function renderList(spec: ListSpec, rows: readonly object[], format: string | undefined, quiet = false): string {
  let f = resolveFormat(spec, format, quiet)
  const isTable = f.startsWith('table')
  if (isTable) f = f.slice('table'.length)
  f = f.replace(/^ +| +$/g, '').replace(/\\t/g, '\t').replace(/\\n/g, '\n')
  const render = compile(rewriteLabelCalls(f))
  let out = ''
  if (isTable) {
    const header: Record<string, unknown> = { ...spec.headers }
    Object.defineProperty(header, 'LabelMap', { value: new Proxy({}, { get: () => 'LABEL' }), enumerable: false })
    out += render(header) + '\n'
  }
  for (const row of rows) {
    Object.defineProperty(row, HTML_ESCAPED_JSON, { value: true, enumerable: false })
    out += render(row) + '\n'
  }
  return isTable ? tabwrite(out) : out
}

/** Adds the non-enumerable LabelMap used by rewritten `.Label "k"` calls ({{json .}} skips it). */
export function withLabels<T extends object>(row: T, labels: Record<string, string> | null | undefined): T {
  Object.defineProperty(row, 'LabelMap', { value: { ...(labels ?? {}) }, enumerable: false })
  return row
}
