// Variable expansion of instruction words as Docker's classic builder does it: only the
// instructions in EXPANDING_KEYWORDS, each word on its own (ProcessWord), except EXPOSE where a
// variable may become several ports (ProcessWords). RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK,
// MAINTAINER and ONBUILD are left as written: the shell in the container sees `$VAR`.
import { BerthError } from '../../lib/errors.js'
import { Lexer, type Lookup } from './lexer.js'
import type { Instruction } from './types.js'

/** Variables visible to an instruction: the stage's ENV plus the declared ARGs (ENV wins). */
export type BuildEnv = ReadonlyMap<string, string> | Readonly<Record<string, string>>

/** Instructions whose words the builder expands. */
export const EXPANDING_KEYWORDS: ReadonlySet<string> = new Set([
  'ADD', 'ARG', 'COPY', 'ENV', 'EXPOSE', 'FROM', 'LABEL', 'STOPSIGNAL', 'USER', 'VOLUME', 'WORKDIR',
])

/** Flags whose values are expanded too. */
const EXPANDING_FLAGS = ['chown', 'chmod', 'from', 'platform']

function lookupIn(env: BuildEnv): Lookup {
  if (env instanceof Map) return (name) => env.get(name)
  const rec = env as Readonly<Record<string, string>>
  return (name) => (Object.prototype.hasOwnProperty.call(rec, name) ? rec[name] : undefined)
}

function lex(text: string, env: BuildEnv, escape: string) {
  try {
    return new Lexer(escape, lookupIn(env)).run(text)
  } catch (e) {
    throw new BerthError('invalid', (e as Error).message, { cause: e })
  }
}

/**
 * One word → one string with variables expanded and quotes/escapes removed (Docker's
 * ProcessWord): ENV/LABEL keys and values, ARG, WORKDIR, USER, STOPSIGNAL, VOLUME, COPY/ADD
 * paths, FROM's image. `expandWord('"$A b"', {A: 'x'})` → `x b`.
 */
export function expandWord(word: string, env: BuildEnv, escape = '\\'): string {
  return lex(word, env, escape).word
}

/** Each word expanded on its own. */
export function expandWords(words: readonly string[], env: BuildEnv, escape = '\\'): string[] {
  return words.map((w) => expandWord(w, env, escape))
}

/**
 * Text → the words it expands to, split on unquoted blanks (Docker's ProcessWords), as for
 * EXPOSE: `$PORTS` with PORTS="80 443" → ["80", "443"].
 */
export function expandToWords(text: string, env: BuildEnv, escape = '\\'): string[] {
  return lex(text, env, escape).words
}

/**
 * A copy of `ins` with what Docker expands expanded: the args (and ENV/LABEL pairs, keys and
 * values) of EXPANDING_KEYWORDS and the values of --chown, --chmod, --from and --platform.
 * FROM's stage name (`AS x`) stays as written. Other instructions come back unchanged.
 */
export function expandInstruction(ins: Instruction, env: BuildEnv, escape = '\\'): Instruction {
  if (!EXPANDING_KEYWORDS.has(ins.keyword)) return ins
  const out: Instruction = { ...ins, flags: { ...ins.flags } }
  for (const name of EXPANDING_FLAGS) {
    if (out.flags[name] !== undefined) out.flags[name] = expandWord(out.flags[name], env, escape)
  }
  if (ins.keyword === 'EXPOSE') out.args = ins.args.flatMap((a) => expandToWords(a, env, escape))
  else if (ins.keyword === 'FROM') out.args = [expandWord(ins.args[0] ?? '', env, escape), ...ins.args.slice(1)]
  else if (ins.pairs) {
    out.pairs = ins.pairs.map(([k, v]) => [expandWord(k, env, escape), expandWord(v, env, escape)])
    out.args = out.pairs.map(([k, v]) => `${k}=${v}`)
  } else out.args = expandWords(ins.args, env, escape)
  return out
}
