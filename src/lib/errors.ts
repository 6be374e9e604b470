// One error type for the whole project. A kind is a closed set; api/errors.ts maps kinds to
// HTTP statuses and the CLI maps them to exit codes. Add context going up with `within`.

export type ErrorKind =
  | 'invalid'
  | 'not-found'
  | 'conflict'
  | 'not-modified'
  | 'unauthorized'
  | 'forbidden'
  | 'unavailable'
  | 'not-implemented'
  | 'internal'

export class BerthError extends Error {
  constructor(
    readonly kind: ErrorKind,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options)
    this.name = 'BerthError'
  }
}

export const invalid = (message: string) => new BerthError('invalid', message)
export const notFound = (message: string) => new BerthError('not-found', message)
export const conflict = (message: string) => new BerthError('conflict', message)

/** Same kind, more context, original kept as the cause. */
export const within = (context: string, e: unknown): BerthError => {
  if (e instanceof BerthError) return new BerthError(e.kind, `${context}: ${e.message}`, { cause: e })
  const msg = e instanceof Error ? e.message : String(e)
  return new BerthError('internal', `${context}: ${msg}`, { cause: e })
}

export const isKind = (e: unknown, kind: ErrorKind): boolean => e instanceof BerthError && e.kind === kind
