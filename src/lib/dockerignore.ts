// .dockerignore: reading the file (moby/patternmatcher ignorefile rules) and matching
// context-relative paths with Docker's semantics through @balena/dockerignore, a port of Docker's
// matcher: `*`/`?`/`[…]` within one component, `**` across components, `!` re-includes, the last
// matching pattern wins, and a path is excluded when it or a parent directory matches.
import { readFile } from 'node:fs/promises'
import { posix } from 'node:path'
import dockerignore from '@balena/dockerignore'
import { BerthError } from './errors.js'

// The package is CommonJS with an ES-style `export default` in its types: Node hands over the
// function itself, TypeScript expects it under `.default`. Take whichever is there.
type Factory = typeof dockerignore.default
const ignore: Factory = (dockerignore as unknown as { default?: Factory }).default ?? (dockerignore as unknown as Factory)

/** Decides, for a context-relative path (`a/b.txt`), whether it is left out. */
export interface IgnoreMatcher {
  /** The cleaned patterns, in file order (`!` kept). */
  readonly patterns: readonly string[]
  /** True when the path is excluded (it or a parent matches, the last matching pattern wins). */
  isExcluded(path: string): boolean
  /**
   * True when an excluded directory may still hold a re-included path (a `!` pattern below it or
   * one with wildcards), so a walker must descend into it instead of skipping it.
   */
  mayReinclude(dir: string): boolean
}

/** Docker's filepath.Clean for slash paths. */
function clean(p: string): string {
  const c = posix.normalize(p)
  return c.length > 1 ? c.replace(/\/$/, '') : c
}

/**
 * The text of a .dockerignore → its patterns: lines starting with `#` and blank lines dropped,
 * blanks trimmed, each pattern cleaned (`./a/` → `a`, `/a` → `a`), `!` kept in front.
 */
export function parseDockerignore(text: string): string[] {
  const out: string[] = []
  for (const [i, raw] of text.split('\n').entries()) {
    const line = i === 0 ? raw.replace(/^\uFEFF/, '') : raw
    if (line.startsWith('#')) continue
    let pattern = line.trim()
    if (pattern === '') continue
    const invert = pattern.startsWith('!')
    if (invert) pattern = pattern.slice(1).trim()
    if (pattern.length > 0) {
      pattern = clean(pattern)
      if (pattern.length > 1 && pattern.startsWith('/')) pattern = pattern.slice(1)
    }
    out.push(invert ? `!${pattern}` : pattern)
  }
  return out
}

const relPath = (path: string): string => clean(path.replace(/^\/+/, '')).replace(/^\.\//, '')

/** A matcher for the patterns (an empty list excludes nothing). */
export function ignoreMatcher(patterns: readonly string[]): IgnoreMatcher {
  if (patterns.includes('!')) throw new BerthError('invalid', 'illegal exclusion pattern: "!"')
  const ig = ignore().add([...patterns])
  const exceptions = patterns.filter((p) => p.startsWith('!')).map((p) => p.slice(1))
  return {
    patterns,
    isExcluded: (path) => {
      const rel = relPath(path)
      return patterns.length > 0 && rel !== '.' && rel !== '' && ig.ignores(rel)
    },
    mayReinclude: (dir) => {
      const prefix = `${relPath(dir)}/`
      return exceptions.some((p) => `${p}/`.startsWith(prefix) || /[*?[\\]/.test(p))
    },
  }
}

/** Reads `<dir>/.dockerignore` (absent → no patterns). */
export async function readDockerignore(dir: string): Promise<string[]> {
  let text: string
  try {
    text = await readFile(posix.join(dir, '.dockerignore'), 'utf8')
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return []
    throw new BerthError('invalid', `error reading .dockerignore: ${(e as Error).message}`, { cause: e })
  }
  return parseDockerignore(text)
}
