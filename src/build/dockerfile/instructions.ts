// Argument shapes of single instructions, turned into the image-config values the builder sets
// (moby builder/dockerfile dispatchers + buildkit instructions). Functions take words already
// expanded (expand.ts) where Docker expands them, and throw BerthError('invalid') with Docker's
// message.
import { constants } from 'node:os'
import { BerthError } from '../../lib/errors.js'
import { parseGoDuration } from '../../lib/duration.js'
import type { Instruction } from './types.js'

type Args = Pick<Instruction, 'args' | 'json' | 'flags'>

/** Docker's container.Config.Healthcheck; durations in nanoseconds; zero fields are left out. */
export interface HealthcheckConfig {
  Test: string[]
  Interval?: number
  Timeout?: number
  StartPeriod?: number
  StartInterval?: number
  Retries?: number
}

/** Build args every build accepts without an ARG; kept out of history unless declared. */
export const PROXY_ARGS: readonly string[] = [
  'HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy',
  'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy',
]

/** The shell RUN/CMD/ENTRYPOINT shell forms run under until SHELL changes it. */
export const DEFAULT_SHELL: readonly string[] = ['/bin/sh', '-c']

const invalid = (message: string) => new BerthError('invalid', message)

function portNumber(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s)
  const start = Number(m?.[1])
  const end = m?.[2] !== undefined ? Number(m[2]) : start
  if (!m || start > 65535 || end > 65535 || end < start) throw invalid(`invalid ${what}: ${s}`)
  return [start, end]
}

/**
 * EXPOSE words (expanded) → ExposedPorts keys in Docker's `port/proto` form:
 * `80` → `80/tcp`, `53/UDP` → `53/udp`, `8000-8001` → `8000/tcp`, `8001/tcp`.
 * Docker's port-spec parser also takes `[ip:][hostPort:]containerPort`; only the container side counts.
 */
export function parseExpose(words: readonly string[]): string[] {
  const out: string[] = []
  for (const word of words) {
    const slash = word.lastIndexOf('/')
    const spec = slash < 0 ? word : word.slice(0, slash)
    const proto = slash < 0 ? 'tcp' : word.slice(slash + 1).toLowerCase()
    if (!['tcp', 'udp', 'sctp'].includes(proto)) throw invalid(`invalid proto: ${proto}`)
    const container = spec.split(':').pop() ?? ''
    if (container === '') throw invalid(`no port specified: ${word}<empty>`)
    const [start, end] = portNumber(container, 'containerPort')
    for (let p = start; p <= end; p++) {
      const key = `${p}/${proto}`
      if (!out.includes(key)) out.push(key)
    }
  }
  return out
}

/** USER `user[:group]` → Config.User as written. */
export function parseUser(word: string): string {
  if (word.trim() === '') throw invalid('USER requires exactly one argument')
  return word
}

/** VOLUME (expanded args: JSON array or words) → Config.Volumes keys. */
export function parseVolume(ins: Pick<Instruction, 'args'>): string[] {
  const words = ins.args
  if (words.length === 0) throw invalid('VOLUME requires at least one argument')
  return words.map((v) => {
    const path = v.trim()
    if (path === '') throw invalid('VOLUME specified can not be an empty string')
    return path
  })
}

function interval(flags: Record<string, string>, name: string): number {
  const value = flags[name]
  if (value === undefined || value === '') return 0
  const ms = parseGoDuration(value)
  if (ms === undefined) throw invalid(`time: invalid duration ${JSON.stringify(value)}`)
  if (ms === 0) return 0
  if (ms < 1) throw invalid(`Interval ${JSON.stringify(name)} cannot be less than 1ms`)
  return Math.round(ms * 1e6)
}

/** HEALTHCHECK (`args[0]` is NONE or CMD; flags from the parser) → Config.Healthcheck. */
export function parseHealthcheck(ins: Args): HealthcheckConfig {
  if (ins.args.length === 0) throw invalid('HEALTHCHECK requires at least one argument')
  const type = ins.args[0]!.toUpperCase()
  const rest = ins.args.slice(1)
  if (type === 'NONE') {
    if (rest.length !== 0) throw invalid('HEALTHCHECK NONE takes no arguments')
    return { Test: ['NONE'] }
  }
  if (type !== 'CMD') throw invalid(`Unknown type ${JSON.stringify(type)} in HEALTHCHECK (try CMD)`)
  const cmd = ins.json ? rest : rest.length ? [rest.join(' ')] : []
  if (cmd.length === 0) throw invalid('Missing command after HEALTHCHECK CMD')
  const config: HealthcheckConfig = { Test: [ins.json ? 'CMD' : 'CMD-SHELL', ...cmd] }
  const durations = [['interval', 'Interval'], ['timeout', 'Timeout'], ['start-period', 'StartPeriod'], ['start-interval', 'StartInterval']] as const
  for (const [flag, field] of durations) {
    const ns = interval(ins.flags, flag)
    if (ns !== 0) config[field] = ns
  }
  const retries = ins.flags.retries
  if (retries !== undefined && retries !== '') {
    if (!/^[+-]?\d+$/.test(retries) || Math.abs(Number(retries)) > 2 ** 31 - 1) {
      throw invalid(`strconv.ParseInt: parsing ${JSON.stringify(retries)}: invalid syntax`)
    }
    const n = Number(retries)
    if (n < 0) throw invalid(`--retries cannot be negative (${n})`)
    if (n !== 0) config.Retries = n
  }
  return config
}

/** STOPSIGNAL (expanded) → the signal as written, once known to be one (`SIGTERM`, `TERM`, `9`). */
export function parseStopSignal(word: string): string {
  const s = word.trim()
  if (/^\d+$/.test(s)) {
    if (Number(s) === 0 || Number(s) > 2 ** 32 - 1) throw invalid(`Invalid signal: ${word}`)
    return s
  }
  const name = s.toUpperCase().replace(/^SIG/, '')
  const known = (constants.signals as Record<string, number>)[`SIG${name}`] !== undefined
  const rt = /^RTM(IN|AX)([+-]\d+)?$/.test(name)
  if (!known && !rt) throw invalid(`Invalid signal: ${word}`)
  return s
}

/** SHELL (exec form only) → the new shell argv. */
export function parseShell(ins: Args): string[] {
  if (ins.args.length === 0) throw invalid('SHELL requires at least one argument')
  if (!ins.json) throw invalid('SHELL requires the arguments to be in JSON form')
  return [...ins.args]
}

/**
 * RUN/CMD/ENTRYPOINT → argv. Exec form: the array as written; shell form: the shell then the
 * line (`["/bin/sh", "-c", line]` by default). An empty form gives [].
 */
export function commandArgv(ins: Args, shell: readonly string[] = DEFAULT_SHELL): string[] {
  if (ins.json) return [...ins.args]
  if (ins.args.length === 0) return []
  return [...shell, ins.args.join(' ')]
}

/** ARG (expanded args: `name[=default]` words) → name and default, in order. */
export function parseArgs(ins: Pick<Instruction, 'args'>): Array<{ name: string; value?: string }> {
  const words = ins.args
  if (words.length === 0) throw invalid('ARG requires at least one argument')
  return words.map((word) => {
    const eq = word.indexOf('=')
    if (eq < 0) return { name: word }
    if (eq === 0) throw invalid('ARG names can not be blank')
    return { name: word.slice(0, eq), value: word.slice(eq + 1) }
  })
}

/** ONBUILD → the trigger text stored in Config.OnBuild (`RUN echo hi`). */
export function onbuildTrigger(ins: Pick<Instruction, 'original'>): string {
  return ins.original.replace(/^\s*ONBUILD\s*/i, '').trim()
}

/** MAINTAINER → the image's Author. */
export function parseMaintainer(ins: Pick<Instruction, 'args'>): string {
  if (ins.args.length !== 1) throw invalid('MAINTAINER requires exactly one argument')
  return ins.args[0]!
}

/**
 * The line Docker prints when --build-arg names were not consumed by any ARG (proxy args never
 * count), or undefined. `[Warning] One or more build-args [X Y] were not consumed`
 */
export function unconsumedBuildArgsWarning(given: Iterable<string>, consumed: ReadonlySet<string>): string | undefined {
  const left = [...new Set(given)].filter((a) => !consumed.has(a) && !PROXY_ARGS.includes(a)).sort()
  return left.length ? `[Warning] One or more build-args [${left.join(' ')}] were not consumed` : undefined
}
