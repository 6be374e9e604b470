// Docker's detach-key syntax: comma-separated `ctrl-<x>` or single characters; default ctrl-p,ctrl-q.
import { invalid } from '../../lib/errors.js'

export const DEFAULT_DETACH_KEYS = Buffer.from([16, 17])

export function parseDetachKeys(spec: string | null | undefined): Buffer {
  if (spec === null || spec === undefined || spec === '') return DEFAULT_DETACH_KEYS
  const out: number[] = []
  for (const key of spec.split(',')) {
    const k = key.trim().toLowerCase()
    if (k.length === 1) out.push(k.charCodeAt(0))
    else if (/^ctrl-[a-z@\[\\\]^_]$/.test(k)) {
      const c = k[5]!
      out.push(c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 }[c]!)
    } else throw invalid(`Invalid detach keys (${spec}) provided`)
  }
  return Buffer.from(out)
}
