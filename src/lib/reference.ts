// Docker image references: parsing, normalisation and the familiar display form.
//
// Terms: a *name* is domain + path (`docker.io/library/busybox`); a *reference* adds a tag
// and/or a digest. The normalised string form (`docker.io/library/busybox:latest`) is what the
// image store keys tags on; the familiar form (`busybox:latest`) is what Docker prints.
// Grammar and error texts follow the distribution/reference package that Docker uses.
import { BerthError } from './errors.js'

export const DEFAULT_DOMAIN = 'docker.io'
const LEGACY_DOMAIN = 'index.docker.io'
const OFFICIAL_PREFIX = 'library/'
const NAME_MAX = 255

export interface Reference {
  /** `docker.io`, `localhost:5000`, … */
  domain: string
  /** `library/busybox` */
  path: string
  tag?: string
  /** `sha256:<hex>` */
  digest?: string
}

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*'
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])'
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`
const TAG = '[\\w][\\w.-]{0,127}'
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}'

const DOMAIN_RE = new RegExp(`^${DOMAIN}$`)
const PATH_RE = new RegExp(`^${PATH_COMPONENT}(?:/${PATH_COMPONENT})*$`)
const TAG_RE = new RegExp(`^${TAG}$`)
const DIGEST_RE = new RegExp(`^${DIGEST}$`)
const HEX64_RE = /^[a-f0-9]{64}$/

const invalidFormat = (detail?: string) =>
  new BerthError('invalid', detail ? `invalid reference format: ${detail}` : 'invalid reference format')

/** Splits `name[:tag][@digest]` without validating the parts. */
function splitTagDigest(s: string): { name: string; tag?: string; digest?: string } {
  let rest = s
  let digest: string | undefined
  const at = rest.indexOf('@')
  if (at >= 0) {
    digest = rest.slice(at + 1)
    rest = rest.slice(0, at)
  }
  let tag: string | undefined
  const colon = rest.lastIndexOf(':')
  if (colon > rest.lastIndexOf('/')) {
    tag = rest.slice(colon + 1)
    rest = rest.slice(0, colon)
  }
  return { name: rest, tag, digest }
}

/** Docker's rule: the first component is a domain when it has a dot or colon, or is `localhost`. */
function splitDomain(name: string): { domain: string; path: string } {
  const slash = name.indexOf('/')
  const first = slash >= 0 ? name.slice(0, slash) : ''
  if (slash < 0 || (!/[.:]/.test(first) && first !== 'localhost' && first.toLowerCase() === first)) {
    return { domain: DEFAULT_DOMAIN, path: name }
  }
  return { domain: first, path: name.slice(slash + 1) }
}

/**
 * Parses what a user typed into a normalised reference (docker.io and library/ filled in; no
 * default tag added). Throws BerthError('invalid') with Docker's text.
 */
export function parseReference(input: string): Reference {
  if (HEX64_RE.test(input)) {
    throw new BerthError('invalid', `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`)
  }
  const { name, tag, digest } = splitTagDigest(input)
  if (name === '') throw invalidFormat()
  let { domain, path } = splitDomain(name)
  if (domain === LEGACY_DOMAIN) domain = DEFAULT_DOMAIN
  if (domain === DEFAULT_DOMAIN && !path.includes('/')) path = OFFICIAL_PREFIX + path
  if (path.toLowerCase() !== path) {
    throw invalidFormat(`repository name (${path}) must be lowercase`)
  }
  if (!DOMAIN_RE.test(domain) || !PATH_RE.test(path)) throw invalidFormat()
  if (domain.length + 1 + path.length > NAME_MAX) {
    throw invalidFormat(`repository name must not be more than ${NAME_MAX} characters`)
  }
  if (tag !== undefined && !TAG_RE.test(tag)) throw invalidFormat()
  if (digest !== undefined && !DIGEST_RE.test(digest)) throw invalidFormat()
  const ref: Reference = { domain, path }
  if (tag !== undefined) ref.tag = tag
  if (digest !== undefined) ref.digest = digest
  return ref
}

/** Adds `latest` when neither a tag nor a digest was given (Docker's TagNameOnly). */
export function withDefaultTag(ref: Reference): Reference {
  return ref.tag === undefined && ref.digest === undefined ? { ...ref, tag: 'latest' } : ref
}

/** Parses and fills in the default tag: `busybox` → docker.io/library/busybox:latest. */
export const normalizeReference = (input: string): Reference => withDefaultTag(parseReference(input))

export const nameOf = (ref: Reference): string => `${ref.domain}/${ref.path}`

/** The full string form: `docker.io/library/busybox:latest`, `localhost:5000/x@sha256:…`. */
export function formatReference(ref: Reference): string {
  return nameOf(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '')
}

/** The name as Docker prints it: docker.io and library/ dropped. */
export function familiarName(ref: Reference): string {
  if (ref.domain !== DEFAULT_DOMAIN) return nameOf(ref)
  return ref.path.startsWith(OFFICIAL_PREFIX) && ref.path.indexOf('/', OFFICIAL_PREFIX.length) < 0
    ? ref.path.slice(OFFICIAL_PREFIX.length)
    : ref.path
}

/** `busybox:latest`, `fx-whiteouts:1`, `localhost:5000/x@sha256:…`. */
export function familiarString(ref: Reference): string {
  return familiarName(ref) + (ref.tag !== undefined ? `:${ref.tag}` : '') + (ref.digest !== undefined ? `@${ref.digest}` : '')
}

/** Familiar form of an already normalised string (as stored in the tags table). */
export const familiarOf = (normalized: string): string => familiarString(parseReference(normalized))

/** True when `s` parses as a reference (no throw). */
export function isReference(s: string): boolean {
  try {
    parseReference(s)
    return true
  } catch {
    return false
  }
}

/** Validates a tag on its own (as `docker tag` and the API's `tag` parameter do). */
export function checkTag(tag: string): void {
  if (!TAG_RE.test(tag)) throw invalidFormat()
}
