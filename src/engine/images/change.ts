// Dockerfile instructions accepted by `docker import --change` and `docker commit --change`:
// CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, USER, VOLUME, WORKDIR, STOPSIGNAL, applied to an image
// config. JSON form (`CMD ["a","b"]`) and shell form (`CMD a b` → /bin/sh -c "a b").
import { BerthError } from '../../lib/errors.js'
import type { ImageConfigJson } from '../../state/records.js'

export type ContainerConfig = NonNullable<ImageConfigJson['config']>

const ALLOWED = ['CMD', 'ENTRYPOINT', 'ENV', 'EXPOSE', 'LABEL', 'ONBUILD', 'USER', 'VOLUME', 'WORKDIR', 'STOPSIGNAL']

function jsonArray(rest: string): string[] | undefined {
  if (!rest.startsWith('[')) return undefined
  try {
    const v = JSON.parse(rest) as unknown
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined
  } catch {
    return undefined
  }
}

/** Splits `k=v k2="v 2"` into pairs, honouring double and single quotes and backslashes. */
export function splitWords(s: string): string[] {
  const words: string[] = []
  let cur = ''
  let quote: string | undefined
  let inWord = false
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!
    if (quote) {
      if (ch === quote) quote = undefined
      else if (ch === '\\' && quote === '"' && i + 1 < s.length) cur += s[++i]
      else cur += ch
    } else if (ch === '"' || ch === "'") { quote = ch; inWord = true }
    else if (ch === '\\' && i + 1 < s.length) { cur += s[++i]; inWord = true }
    else if (/\s/.test(ch)) { if (inWord) words.push(cur); cur = ''; inWord = false }
    else { cur += ch; inWord = true }
  }
  if (quote) throw new BerthError('invalid', `unmatched quote in ${JSON.stringify(s)}`)
  if (inWord) words.push(cur)
  return words
}

/** ENV and LABEL: `k=v k2=v2` or the legacy `k v with spaces`. */
function pairs(instr: string, rest: string): Array<[string, string]> {
  const words = splitWords(rest)
  if (words.length === 0) throw new BerthError('invalid', `${instr} requires at least one argument`)
  if (!words[0]!.includes('=')) {
    const sp = rest.trim().search(/\s/)
    if (sp < 0) throw new BerthError('invalid', `${instr} must have two arguments`)
    return [[rest.trim().slice(0, sp), rest.trim().slice(sp).trim()]]
  }
  return words.map((w) => {
    const eq = w.indexOf('=')
    if (eq <= 0) throw new BerthError('invalid', `${instr} names can not be blank`)
    return [w.slice(0, eq), w.slice(eq + 1)]
  })
}

const commandOf = (rest: string): string[] => jsonArray(rest) ?? ['/bin/sh', '-c', rest]

export function applyChange(config: ContainerConfig, change: string): void {
  const m = /^\s*(\S+)\s*(.*?)\s*$/s.exec(change)
  if (!m) return
  const instr = m[1]!.toUpperCase()
  const rest = m[2]!
  if (!ALLOWED.includes(instr)) throw new BerthError('invalid', `${instr.toLowerCase()} is not a valid change command`)
  switch (instr) {
    case 'CMD':
      config.Cmd = commandOf(rest)
      break
    case 'ENTRYPOINT':
      config.Entrypoint = rest === '' ? null : commandOf(rest)
      break
    case 'ENV': {
      const env = [...(config.Env ?? [])]
      for (const [k, v] of pairs('ENV', rest)) {
        const i = env.findIndex((e) => e.split('=')[0] === k)
        if (i >= 0) env[i] = `${k}=${v}`
        else env.push(`${k}=${v}`)
      }
      config.Env = env
      break
    }
    case 'LABEL':
      config.Labels = { ...(config.Labels ?? {}), ...Object.fromEntries(pairs('LABEL', rest)) }
      break
    case 'EXPOSE': {
      const ports = { ...(config.ExposedPorts ?? {}) }
      for (const p of splitWords(rest)) {
        if (!/^\d+(-\d+)?(\/(tcp|udp|sctp))?$/i.test(p)) throw new BerthError('invalid', `invalid containerPort: ${p}`)
        ports[p.includes('/') ? p.toLowerCase() : `${p}/tcp`] = {}
      }
      config.ExposedPorts = ports
      break
    }
    case 'USER':
      config.User = rest
      break
    case 'VOLUME': {
      const vols = { ...(config.Volumes ?? {}) }
      for (const v of jsonArray(rest) ?? splitWords(rest)) vols[v] = {}
      config.Volumes = vols
      break
    }
    case 'WORKDIR':
      config.WorkingDir = rest
      break
    case 'STOPSIGNAL':
      config.StopSignal = rest
      break
    case 'ONBUILD':
      config.OnBuild = [...(config.OnBuild ?? []), rest]
      break
  }
}

export function applyChanges(config: ContainerConfig, changes: readonly string[]): ContainerConfig {
  for (const c of changes) applyChange(config, c)
  return config
}
