// Builder flags (`COPY --from=x`) per instruction, checked as Docker's BFlags does: unknown,
// duplicate and value-less flags are refused, booleans normalised to "true"/"false". Flags the
// classic builder accepts but cannot honour are refused with its own message.

type FlagKind = 'string' | 'bool' | 'strings'

/** The flags each instruction defines; instructions absent here take none. */
const DEFINED: Record<string, Record<string, FlagKind>> = {
  ADD: { chown: 'string', chmod: 'string', link: 'bool', 'keep-git-dir': 'bool', checksum: 'string', unpack: 'bool', exclude: 'strings' },
  COPY: { chown: 'string', from: 'string', chmod: 'string', link: 'bool', exclude: 'strings', parents: 'bool' },
  FROM: { platform: 'string' },
  RUN: { mount: 'strings', network: 'string', security: 'string', device: 'strings' },
  HEALTHCHECK: { interval: 'string', timeout: 'string', 'start-period': 'string', 'start-interval': 'string', retries: 'string' },
}

/** Docker does not check flags on these at all. */
const UNCHECKED = new Set(['ARG', 'STOPSIGNAL'])

/** Accepted by Docker's parser but only BuildKit can do them: refused the way the classic builder does. */
const BUILDKIT_ONLY: Record<string, readonly string[]> = {
  RUN: ['mount', 'network', 'security', 'device'],
  ADD: ['keep-git-dir', 'checksum', 'unpack', 'exclude'],
  COPY: ['exclude', 'parents'],
}

export const buildkitOnly = (flag: string): string =>
  `the --${flag} option requires BuildKit. Refer to https://docs.docker.com/go/buildkit/ to learn how to build images with BuildKit enabled`

/** Levenshtein distance, for Docker's "(did you mean …?)" hints. */
export function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, i) => i)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    }
    prev = cur
  }
  return prev[b.length]!
}

/** The closest option within distance 2, or undefined (Docker's suggest.Search). */
export function suggest(value: string, options: readonly string[]): string | undefined {
  let best: string | undefined
  let min = 3
  for (const opt of options) {
    if (opt === value) return undefined
    const d = distance(value, opt)
    if (d < min) {
      best = opt
      min = d
    }
  }
  return best
}

/**
 * Checks the flag words of one instruction (`--from=x`, `--link`) → name → value. Throws Error
 * with Docker's message.
 */
export function parseFlags(keyword: string, words: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  if (UNCHECKED.has(keyword)) return out
  // HEALTHCHECK NONE defines no flags in Docker; the caller passes 'HEALTHCHECK NONE' for it.
  const defined = DEFINED[keyword] ?? {}
  for (const word of words) {
    if (word === '--') break
    if (!word.startsWith('--')) throw new Error(`arg should start with -- : ${word}`)
    const eq = word.indexOf('=')
    const flagName = eq < 0 ? word : word.slice(0, eq)
    const value = eq < 0 ? undefined : word.slice(eq + 1)
    const name = flagName.slice(2)
    const kind = defined[name]
    if (!kind) {
      const hint = suggest(name, Object.keys(defined))
      throw new Error(`unknown flag: ${flagName}${hint ? ` (did you mean ${hint}?)` : ''}`)
    }
    if (name in out && kind !== 'strings') throw new Error(`duplicate flag specified: ${flagName}`)
    if (kind === 'bool') {
      if (value === '') throw new Error(`missing a value on flag: ${flagName}`)
      const v = (value ?? 'true').toLowerCase()
      if (v !== 'true' && v !== 'false') throw new Error(`expecting boolean value for flag ${flagName}, not: ${value}`)
      out[name] = v
      continue
    }
    if (value === undefined) throw new Error(`missing a value on flag: ${flagName}`)
    out[name] = kind === 'strings' && name in out ? `${out[name]}\n${value}` : value
  }
  for (const name of BUILDKIT_ONLY[keyword] ?? []) {
    if (name in out) throw new BuildkitOnlyError(buildkitOnly(name))
  }
  return out
}

/** A flag only BuildKit honours: Docker reports it without a line prefix. */
export class BuildkitOnlyError extends Error {}
