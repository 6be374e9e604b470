// -e/--env, --env-file, -l/--label, --label-file: docker's ReadKVEnvStrings and ReadKVStrings.
// File contents come in as text; the caller reads them, so these stay pure.

export type Lookup = (name: string) => string | undefined

/** `-e NAME` takes NAME's value from the client's environment when set, else stays `NAME`. */
function expandEnv(entry: string, lookup: Lookup): string {
  if (entry.includes('=')) return entry
  const v = lookup(entry)
  return v === undefined ? entry : `${entry}=${v}`
}

/** Lines of an env or label file: comments and blank lines dropped, names checked. */
export function parseKVFile(text: string, fileName: string, lookup?: Lookup): string[] {
  const out: string[] = []
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/\r$/, '').replace(/^\s+/, '')
    if (line === '' || line.startsWith('#')) continue
    const eq = line.indexOf('=')
    const name = eq < 0 ? line : line.slice(0, eq)
    if (name === '') throw new Error(`no variable name on line '${line}'`)
    if (/\s/.test(name)) throw new Error(`variable '${name}' contains whitespaces`)
    if (eq >= 0) out.push(line)
    else out.push(lookup ? expandEnv(line, lookup) : line)
  }
  void fileName
  return out
}

/** Files first, then flags, as docker does. */
export function readEnv(files: readonly string[], flags: readonly string[], lookup: Lookup): string[] {
  return [...files, ...flags.map((e) => expandEnv(e, lookup))]
}

/** `a=b` entries into a map; an entry without `=` maps to "". */
export function kvToMap(entries: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const e of entries) {
    const eq = e.indexOf('=')
    if (eq < 0) out[e] = ''
    else out[e.slice(0, eq)] = e.slice(eq + 1)
  }
  return out
}
