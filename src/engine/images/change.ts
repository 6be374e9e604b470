// Dockerfile instructions accepted by `docker import --change` and `docker commit --change`:
// CMD, ENTRYPOINT, ENV, EXPOSE, HEALTHCHECK, LABEL, ONBUILD, USER, VOLUME, WORKDIR, STOPSIGNAL
// (moby's validCommitCommands), applied to an image config. JSON form (`CMD ["a","b"]`) and
// shell form (`CMD a b` → /bin/sh -c "a b"). As the builder's dispatchers do, `$VAR` in ENV,
// LABEL, EXPOSE, USER, VOLUME, WORKDIR and STOPSIGNAL expands from the config's Env at that point
// and a relative WORKDIR joins the current one; HEALTHCHECK is read by the builder's parsers.
import { posix } from 'node:path'
import { expandToWords, expandWord, type BuildEnv } from '../../build/dockerfile/expand.js'
import { parseExpose, parseHealthcheck, parseStopSignal, parseUser, parseVolume } from '../../build/dockerfile/instructions.js'
import { parseFlags } from '../../build/dockerfile/flags.js'
import { extractFlags, parseWords, splitFirst, splitWhitespace } from '../../build/dockerfile/words.js'
import { BerthError } from '../../lib/errors.js'
import type { ImageConfigJson } from '../../state/records.js'

export type ContainerConfig = NonNullable<ImageConfigJson['config']>

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'HEALTHCHECK', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']

function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined
  try {
    const v = JSON.parse(rest) as unknown
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined
  } catch {
    return undefined
  }
}

const ESCAPE = '\\'

/** The config's Env as the variables a word may name. */
const envOf = (config: ContainerConfig): BuildEnv => {
  const vars = new Map<string, string>()
  for (const e of config.Env ?? []) {
    const eq = e.indexOf('=')
    vars.set(eq < 0 ? e : e.slice(0, eq), eq < 0 ? '' : e.slice(eq + 1))
  }
  return vars
}

/** ENV and LABEL: `k=v k2="v 2"` or the legacy `k v with spaces`; keys and values expanded. */
function pairs(instr: string, rest: string, env: BuildEnv): Array<[string, string]> {
  const words = parseWords(rest, ESCAPE) // quotes kept: expansion removes them
  if (words.length === 0) throw new BerthError('invalid', `${instr} requires at least one argument`)
  const x = (w: string) => expandWord(w, env, ESCAPE)
  if (!words[0]!.includes('=')) {
    const [key, value] = splitFirst(rest)
    if (value === undefined) throw new BerthError('invalid', `${instr} must have two arguments`)
    return [[x(key), x(value)]]
  }
  return words.map((w) => {
    const eq = w.indexOf('=')
    if (eq <= 0) throw new BerthError('invalid', `${instr} names can not be blank`)
    return [x(w.slice(0, eq)), x(w.slice(eq + 1))]
  })
}

const commandOf = (rest: string): string[] => jsonArray(rest) ?? ['/bin/sh', '-c', rest]

/** `[--interval=…] CMD cmd | NONE` → Config.Healthcheck, with the builder's checks and messages. */
function healthcheckOf(rest: string): ContainerConfig['Healthcheck'] {
  const [body, flagWords] = extractFlags(rest, '\\')
  const [type, cmd] = splitFirst(body)
  let flags: Record<string, string>
  try {
    flags = parseFlags(type.toUpperCase() === 'NONE' ? 'HEALTHCHECK NONE' : 'HEALTHCHECK', flagWords)
  } catch (e) {
    throw new BerthError('invalid', (e as Error).message)
  }
  const json = cmd === undefined ? undefined : jsonArray(cmd)
  const args = type === '' ? [] : [type, ...(json ?? (cmd ? [cmd] : []))]
  return parseHealthcheck({ args, json: json !== undefined, flags })
}

/** What one change tells the next: a CMD given earlier in the list survives an ENTRYPOINT. */
interface ChangeState { cmdSet: boolean }

export function applyChange(config: ContainerConfig, change: string, state: ChangeState = { cmdSet: false }): void {
  const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(change)
  if (!m) return
  const instr = m[1]!.toUpperCase()
  const rest = m[2]!
  if (!ALLOWED.includes(instr)) throw new BerthError('invalid', `${instr.toLowerCase()} is not a valid change command`)
  const env = envOf(config)
  const word = (w: string) => expandWord(w, env, ESCAPE)
  const words = splitWhitespace(rest)
  const one = () => {
    if (words.length !== 1) throw new BerthError('invalid', `${instr} requires exactly one argument`)
    return word(words[0]!)
  }
  switch (instr) {
    case 'CMD':
      config.Cmd = commandOf(rest)
      state.cmdSet = true
      break
    case 'ENTRYPOINT':
      config.Entrypoint = rest === '' ? null : commandOf(rest)
      // Docker's ENTRYPOINT dispatcher: the Cmd it starts from is dropped unless a CMD came first
      if (!state.cmdSet) config.Cmd = null
      break
    case 'ENV': {
      const list = [...(config.Env ?? [])]
      for (const [k, v] of pairs('ENV', rest, env)) {
        const i = list.findIndex((e) => e.split('=')[0] === k)
        if (i >= 0) list[i] = `${k}=${v}`
        else list.push(`${k}=${v}`)
      }
      config.Env = list
      break
    }
    case 'LABEL':
      config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(pairs('LABEL', rest, env)) }
      break
    case 'EXPOSE': {
      if (words.length === 0) throw new BerthError('invalid', 'EXPOSE requires at least one argument')
      const ports = { ...(config.ExposedPorts ?? {}) }
      for (const p of parseExpose(words.flatMap((w) => expandToWords(w, env, ESCAPE)))) ports[p] = {}
      config.ExposedPorts = ports
      break
    }
    case 'USER':
      config.User = parseUser(one())
      break
    case 'VOLUME': {
      const vols = { ...(config.Volumes ?? {}) }
      for (const v of parseVolume({ args: (jsonArray(rest) ?? words).map(word) })) vols[v] = {}
      config.Volumes = vols
      break
    }
    case 'WORKDIR': {
      const dir = word(rest) // one word, spaces and all, as Docker's WORKDIR
      if (dir === '') throw new BerthError('invalid', 'WORKDIR requires exactly one argument')
      config.WorkingDir = dir.startsWith('/') ? posix.normalize(dir) : posix.join('/', config.WorkingDir ?? '', dir)
      break
    }
    case 'STOPSIGNAL':
      config.StopSignal = parseStopSignal(one())
      break
    case 'HEALTHCHECK':
      config.Healthcheck = healthcheckOf(rest)
      break
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), rest]
      break
  }
}

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  const state: ChangeState = { cmdSet: false }
  for (const c of changes) applyChange(config, c, state)
  return config
}
