// Value parsers shared by several flags, with the wording of the Go libraries docker uses
// (go-units for sizes, strconv for integers, big.Rat for --cpus), because users and scripts see it.

const BINARY: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 }

/** go-units RAMInBytes: `32m`, `1.5g`, `512kb`, `64MiB`, plain bytes. */
export function ramInBytes(s: string): number {
  let sep = -1
  for (let i = s.length - 1; i >= 0; i--) {
    if ('0123456789. '.includes(s[i]!)) {
      sep = i
      break
    }
  }
  if (sep === -1) throw new Error(`invalid size: '${s}'`)
  const num = s[sep] === ' ' ? s.slice(0, sep) : s.slice(0, sep + 1)
  let sfx = s.slice(sep + 1)
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(num)) throw new Error(`strconv.ParseFloat: parsing "${num}": invalid syntax`)
  let size = Number(num)
  if (size < 0) throw new Error(`invalid size: '${s}'`)
  if (sfx.length === 0) return Math.trunc(size)
  const bad = () => new Error(`invalid suffix: '${sfx}'`)
  if (sfx.length > 3) throw bad()
  sfx = sfx.toLowerCase()
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw bad()
    return Math.trunc(size)
  }
  const mul = BINARY[sfx[0]!]
  if (mul === undefined) throw bad()
  size *= mul
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) throw bad()
  return Math.trunc(size)
}

/** --memory-swap accepts -1 (unlimited) besides sizes. */
export const swapInBytes = (s: string): number => (s === '-1' ? -1 : ramInBytes(s))

/** --cpus: a decimal (or rational a/b) turned into nano CPUs; docker refuses more precision than 1e-9. */
export function nanoCpus(s: string): number {
  let value: number
  const frac = /^(\d+)\/(\d+)$/.exec(s)
  if (frac) value = Number(frac[1]) / Number(frac[2])
  else if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) value = Number(s)
  else throw new Error(`failed to parse ${s} as a rational number`)
  const nano = value * 1e9
  const rounded = Math.round(nano)
  if (Math.abs(nano - rounded) > 1e-6) throw new Error('value is too precise')
  return rounded
}

/** strconv.ParseInt(s, 10, 64) with its error text. */
export function parseInt64(s: string): number {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`)
  return Number(s)
}

export const checkInt = (s: string): void => void parseInt64(s)

/** strconv.ParseUint for uint16 flags and the like. */
export function parseUint(s: string): number {
  if (!/^\d+$/.test(s)) throw new Error(`strconv.ParseUint: parsing "${s}": invalid syntax`)
  return Number(s)
}

export interface Ulimit {
  Name: string
  Hard: number
  Soft: number
}

const ULIMIT_NAMES = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc',
  'rss', 'rtprio', 'rttime', 'sigpending', 'stack'])

/** `nofile=1024:2048` → { Name, Hard, Soft } (hard = soft when absent). */
export function parseUlimit(s: string): Ulimit {
  const eq = s.indexOf('=')
  if (eq < 0) throw new Error(`invalid ulimit argument: ${s}`)
  const name = s.slice(0, eq)
  if (!ULIMIT_NAMES.has(name)) throw new Error(`invalid ulimit type: ${name}`)
  const [softS, hardS, extra] = s.slice(eq + 1).split(':')
  if (extra !== undefined) throw new Error(`too many limit value arguments - ${s.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``)
  const soft = parseInt64(softS ?? '')
  const hard = hardS === undefined ? soft : parseInt64(hardS)
  if (soft > hard) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`)
  return { Name: name, Hard: hard, Soft: soft }
}

export interface RestartPolicy {
  Name: string
  MaximumRetryCount: number
}

/** `no`, `always`, `unless-stopped`, `on-failure[:N]`. */
export function parseRestartPolicy(s: string): RestartPolicy {
  if (s === '') return { Name: 'no', MaximumRetryCount: 0 }
  const [name, count, extra] = s.split(':')
  if (extra !== undefined) throw new Error(`invalid restart policy format: ${s}`)
  if (count === undefined) return { Name: name!, MaximumRetryCount: 0 }
  if (name !== 'on-failure') throw new Error("invalid restart policy format: maximum retry count can only be used with 'on-failure'")
  if (!/^-?\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer')
  return { Name: name, MaximumRetryCount: Number(count) }
}

/** Docker's capability spelling: upper case with a CAP_ prefix, except ALL. */
export function normalizeCapability(cap: string): string {
  const c = cap.trim().toUpperCase()
  if (c === 'ALL' || c.startsWith('CAP_')) return c
  return `CAP_${c}`
}

/** -a/--attach values. */
export function checkAttach(s: string): void {
  if (!['stdin', 'stdout', 'stderr'].includes(s.toLowerCase())) throw new Error('valid streams are STDIN, STDOUT and STDERR')
}

/** Detach keys: comma-separated `ctrl-<x>` or single characters. Returns the byte sequence. */
export function parseDetachKeys(s: string): number[] {
  const out: number[] = []
  for (const key of s.split(',')) {
    if (key.length === 1) {
      out.push(key.charCodeAt(0))
      continue
    }
    const m = /^ctrl-(.)$/i.exec(key)
    if (!m) throw new Error(`Unknown character: '${key}'`)
    const c = m[1]!.toLowerCase()
    if (c >= 'a' && c <= 'z') out.push(c.charCodeAt(0) - 96)
    else if (c === '@') out.push(0)
    else if (c === '[') out.push(27)
    else if (c === '\\') out.push(28)
    else if (c === ']') out.push(29)
    else if (c === '^') out.push(30)
    else if (c === '_') out.push(31)
    else throw new Error(`Unknown character: '${key}'`)
  }
  return out
}
