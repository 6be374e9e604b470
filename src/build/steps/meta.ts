// Instructions that only change the image's config (moby's dispatchers): each applies its
// (expanded) arguments to the stage's config and returns the comment Docker records in the
// step's `#(nop)` command, formatted as moby formats it (Go's %q and %v of slices).
import { BerthError } from '../../lib/errors.js'
import type { Instruction } from '../dockerfile/types.js'
import { commandArgv, onbuildTrigger, parseExpose, parseHealthcheck, parseMaintainer, parseShell, parseStopSignal, parseUser, parseVolume, type HealthcheckConfig } from '../dockerfile/instructions.js'
import { envName, shellOf, type StageState } from './state.js'

export const META_KEYWORDS = new Set(['ENV', 'LABEL', 'CMD', 'ENTRYPOINT', 'EXPOSE', 'USER', 'VOLUME', 'STOPSIGNAL', 'HEALTHCHECK', 'ONBUILD', 'MAINTAINER', 'SHELL'])

/** Go's %q of a []string: `["a" "b"]`. */
export const goQuoteList = (xs: readonly string[]) => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`

/** Go's time.Duration String() for the durations a HEALTHCHECK takes. */
export function goDuration(ns: number): string {
  if (ns === 0) return '0s'
  if (ns < 1e3) return `${ns}ns`
  if (ns < 1e6) return `${+(ns / 1e3).toFixed(3)}µs`
  if (ns < 1e9) return `${+(ns / 1e6).toFixed(6)}ms`
  let s = ns / 1e9
  const h = Math.floor(s / 3600)
  s -= h * 3600
  const m = Math.floor(s / 60)
  s -= m * 60
  const sec = `${+s.toFixed(9)}s`
  return h > 0 ? `${h}h${m}m${sec}` : m > 0 ? `${m}m${sec}` : sec
}

const healthString = (h: HealthcheckConfig) =>
  `&{Test:[${h.Test.join(' ')}] Interval:${goDuration(h.Interval ?? 0)} Timeout:${goDuration(h.Timeout ?? 0)} ` +
  `StartPeriod:${goDuration(h.StartPeriod ?? 0)} StartInterval:${goDuration(h.StartInterval ?? 0)} Retries:${h.Retries ?? 0}}`

function setEnv(state: StageState, pairs: ReadonlyArray<[string, string]>): string {
  const env = [...(state.config.Env ?? [])]
  for (const [k, v] of pairs) {
    const i = env.findIndex((e) => envName(e) === k)
    if (i >= 0) env[i] = `${k}=${v}`
    else env.push(`${k}=${v}`)
  }
  state.config.Env = env
  return `ENV ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`
}

/** Applies a metadata instruction to `state.config`; returns the history comment. */
export function applyMeta(state: StageState, ins: Instruction, write: (text: string) => void): string {
  const c = state.config
  switch (ins.keyword) {
    case 'ENV':
      return setEnv(state, ins.pairs ?? [])
    case 'LABEL': {
      const labels = { ...(c.Labels ?? {}) }
      for (const [k, v] of ins.pairs ?? []) labels[k] = v
      c.Labels = labels
      return `LABEL ${(ins.pairs ?? []).map(([k, v]) => `${k}=${v}`).join(' ')}`
    }
    case 'CMD': {
      c.Cmd = commandArgv(ins, shellOf(c))
      delete c.ArgsEscaped // only Windows sets it
      if (ins.args.length > 0) state.cmdSet = true
      return `CMD ${goQuoteList(c.Cmd)}`
    }
    case 'ENTRYPOINT': {
      c.Entrypoint = commandArgv(ins, shellOf(c))
      delete c.ArgsEscaped // only Windows sets it
      if (!state.cmdSet) c.Cmd = null
      return `ENTRYPOINT ${goQuoteList(c.Entrypoint)}`
    }
    case 'EXPOSE': {
      const ports = { ...(c.ExposedPorts ?? {}) }
      for (const p of parseExpose(ins.args)) ports[p] = {}
      c.ExposedPorts = ports
      return `EXPOSE ${ins.args.join(' ')}`
    }
    case 'USER':
      c.User = parseUser(ins.args[0] ?? '')
      return `USER ${c.User}`
    case 'VOLUME': {
      const vols = parseVolume(ins)
      const volumes = { ...(c.Volumes ?? {}) }
      for (const v of vols) {
        if (v === '') throw new BerthError('invalid', 'VOLUME specified can not be an empty string')
        volumes[v] = {}
      }
      c.Volumes = volumes
      return `VOLUME [${vols.join(' ')}]`
    }
    case 'STOPSIGNAL':
      c.StopSignal = parseStopSignal(ins.args[0] ?? '')
      return `STOPSIGNAL ${c.StopSignal}`
    case 'HEALTHCHECK': {
      const old = c.Healthcheck as HealthcheckConfig | undefined
      if (old?.Test?.length && old.Test[0] !== 'NONE') write(`Note: overriding previous HEALTHCHECK: [${old.Test.join(' ')}]\n`)
      const h = parseHealthcheck(ins)
      c.Healthcheck = h
      return `HEALTHCHECK ${healthString(h)}`
    }
    case 'ONBUILD': {
      const trigger = onbuildTrigger(ins)
      c.OnBuild = [...(c.OnBuild ?? []), trigger]
      return `ONBUILD ${trigger}`
    }
    case 'MAINTAINER':
      state.author = parseMaintainer(ins)
      return `MAINTAINER ${state.author}`
    case 'SHELL':
      c.Shell = parseShell(ins)
      return `SHELL [${c.Shell.join(' ')}]`
  }
  throw new BerthError('internal', `not a metadata instruction: ${ins.keyword}`)
}
