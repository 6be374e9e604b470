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
  /** What `--format raw` means, when the command has a raw format (with and without -q). */
  raw?: { full: string; quiet: string }
}

/** `{{.Label "k"}}` is a method call in docker ("" when the label is missing); our rows carry a
 * hidden LabelMap instead. */
export function rewriteLabelCalls(format: string): string {
  return format.replace(/\.Label\s+("(?:[^"\\]|\\.)*"|`[^`]*`)/g, '(or (index .LabelMap $1) "")')
}

/** docker's SubHeaderContext.Label: the header of `.Label "com.x.my_key"` is `my key`. */
const labelHeader = (key: string) => key.split('.').at(-1)!.replace(/[-_]/g, ' ')

const headerLabels = () => new Proxy({}, {
  get: (_, k) => labelHeader(String(k)),
  getOwnPropertyDescriptor: (_, k) => ({ value: labelHeader(String(k)), enumerable: true, configurable: true, writable: false }),
})

export function resolveFormat(spec: ListSpec, format: string | undefined, quiet: boolean): string {
  const f = format ?? ''
  if (f === '' || f === 'table') return quiet ? spec.quiet : spec.defaultTable
  if (f === 'raw') return spec.raw ? (quiet ? spec.raw.quiet : spec.raw.full) : quiet ? spec.quiet : f
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
    Object.defineProperty(header, 'LabelMap', { value: headerLabels(), enumerable: false })
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
