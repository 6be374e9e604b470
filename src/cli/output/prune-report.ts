// The report docker's prune commands print after the prompt: a "Deleted <Kind>:" section listing
// what went, followed by an empty line, and nothing at all when nothing went.
import type { Writable } from 'node:stream'
import { line } from '../command.js'

export function writeDeleted(out: Writable, title: string, names: readonly string[]): void {
  if (names.length === 0) return
  line(out, `${title}:`)
  for (const name of names) line(out, name)
  line(out, '')
}
