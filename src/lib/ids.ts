// Container and exec IDs: 64 lowercase hex characters, shown truncated to 12.
import { randomBytes } from 'node:crypto'

export const newId = (): string => randomBytes(32).toString('hex')
export const shortId = (id: string): string => id.replace(/^sha256:/, '').slice(0, 12)
export const isFullId = (s: string): boolean => /^[0-9a-f]{64}$/.test(s)

const NAME_RE = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/
/** Docker's rule for container names: [a-zA-Z0-9][a-zA-Z0-9_.-]+ */
export const isValidName = (name: string): boolean => NAME_RE.test(name)

const ADJECTIVES = ['admiring', 'bold', 'brave', 'calm', 'clever', 'eager', 'focused', 'gallant', 'happy', 'jolly',
  'keen', 'loving', 'nifty', 'quirky', 'serene', 'sharp', 'stoic', 'tender', 'vibrant', 'zen']
const NOUNS = ['archimedes', 'babbage', 'curie', 'darwin', 'euler', 'faraday', 'gauss', 'hopper', 'hypatia', 'kepler',
  'lovelace', 'newton', 'noether', 'pascal', 'ritchie', 'shannon', 'tesla', 'thompson', 'turing', 'wozniak']

/** A random name like Docker's `focused_turing`; `attempt` > 0 adds a digit as Docker does on collision. */
export function randomName(attempt = 0): string {
  const pick = (xs: string[]) => xs[randomBytes(1)[0]! % xs.length]!
  const base = `${pick(ADJECTIVES)}_${pick(NOUNS)}`
  return attempt > 0 ? `${base}${randomBytes(1)[0]! % 10}` : base
}
