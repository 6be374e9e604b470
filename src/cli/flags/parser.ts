// A small flag parser with pflag's semantics, the ones the docker CLI's users rely on:
// combined shorts (`-it`), `--name=x` and `--name x`, `-e=X` and `-eX`, repeatable list flags,
// `--` ends flags, and (per command) flags stop at the first positional (run, exec: everything
// after IMAGE is the container's command). Errors carry pflag's exact wording; main.ts turns them
// into Docker's "unknown flag … See 'berth run --help'" output and exit code 125.

export type FlagKind = 'bool' | 'value' | 'list'

export interface FlagSpec {
  long: string
  short?: string
  kind: FlagKind
  /** The type word in help output: string, list, int, bytes, decimal, duration… */
  type?: string
  help: string
  /** Shown as `(default x)` in help. */
  defaultText?: string
  hidden?: boolean
  /** Other long names for the same flag (`--net` for `--network`). */
  aliases?: readonly string[]
  /** Validates a value at parse time; throw Error(reason) to reject it as pflag does. */
  check?: (value: string) => void
}

export class FlagError extends Error {
  override name = 'FlagError'
}

export interface ParseOptions {
  /** Stop at the first positional: the rest are arguments (run, create, exec). */
  stopAtPositional?: boolean
}

/** The result of parsing: values by long name, positionals in order. */
export class Parsed {
  constructor(
    private readonly values: Map<string, string[]>,
    readonly args: string[],
  ) {}

  has(long: string): boolean {
    return this.values.has(long)
  }
  bool(long: string, fallback = false): boolean {
    const v = this.values.get(long)
    return v ? v[v.length - 1] === 'true' : fallback
  }
  str(long: string): string | undefined {
    const v = this.values.get(long)
    return v ? v[v.length - 1] : undefined
  }
  list(long: string): string[] {
    return this.values.get(long) ?? []
  }
}

const BOOL_TRUE = new Set(['1', 't', 'T', 'TRUE', 'true', 'True'])
const BOOL_FALSE = new Set(['0', 'f', 'F', 'FALSE', 'false', 'False'])

function parseBool(value: string, display: string): string {
  if (BOOL_TRUE.has(value)) return 'true'
  if (BOOL_FALSE.has(value)) return 'false'
  throw new FlagError(`invalid argument "${value}" for "${display}" flag: strconv.ParseBool: parsing "${quoteGo(value)}": invalid syntax`)
}

/** How pflag names a flag in errors: `-t, --timeout` or `--rm`. */
export const flagDisplay = (f: FlagSpec): string => (f.short ? `-${f.short}, --${f.long}` : `--${f.long}`)

const quoteGo = (s: string) => s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')

export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], opts: ParseOptions = {}): Parsed {
  const byLong = new Map<string, FlagSpec>()
  const byShort = new Map<string, FlagSpec>()
  for (const s of specs) {
    byLong.set(s.long, s)
    for (const a of s.aliases ?? []) byLong.set(a, s)
    if (s.short) byShort.set(s.short, s)
  }
  const values = new Map<string, string[]>()
  const args: string[] = []

  const set = (spec: FlagSpec, raw: string) => {
    const display = flagDisplay(spec)
    let value = raw
    if (spec.kind === 'bool') value = parseBool(raw, display)
    else if (spec.check) {
      try {
        spec.check(raw)
      } catch (e) {
        throw new FlagError(`invalid argument "${raw}" for "${display}" flag: ${(e as Error).message}`)
      }
    }
    const prev = values.get(spec.long)
    if (spec.kind === 'list' && prev) prev.push(value)
    else values.set(spec.long, [value])
  }

  let i = 0
  while (i < argv.length) {
    const a = argv[i]!
    i++
    if (a === '--') {
      args.push(...argv.slice(i))
      break
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=')
      const name = eq >= 0 ? a.slice(2, eq) : a.slice(2)
      const spec = byLong.get(name)
      if (!spec) throw new FlagError(`unknown flag: --${name}`)
      if (eq >= 0) set(spec, a.slice(eq + 1))
      else if (spec.kind === 'bool') set(spec, 'true')
      else if (i < argv.length) set(spec, argv[i++]!)
      else throw new FlagError(`flag needs an argument: --${name}`)
      continue
    }
    if (a.startsWith('-') && a.length > 1) {
      let rest = a.slice(1)
      while (rest.length > 0) {
        const c = rest[0]!
        const spec = byShort.get(c)
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`)
        rest = rest.slice(1)
        if (spec.kind === 'bool') {
          if (rest.startsWith('=')) {
            set(spec, rest.slice(1))
            rest = ''
          } else set(spec, 'true')
          continue
        }
        if (rest.startsWith('=')) rest = rest.slice(1)
        if (rest.length > 0) set(spec, rest)
        else if (i < argv.length) set(spec, argv[i++]!)
        else throw new FlagError(`flag needs an argument: '${c}' in -${c}`)
        rest = ''
      }
      continue
    }
    args.push(a)
    if (opts.stopAtPositional) {
      args.push(...argv.slice(i))
      break
    }
  }
  return new Parsed(values, args)
}
