// The one table from error kind to HTTP status, and the `{"message": …}` body Docker clients
// read. Handlers throw BerthError and never choose a status. Anything that is not a BerthError
// is a bug or an unexpected host failure: it becomes `internal` (500) and is logged with its stack.
import { BerthError, type ErrorKind } from '../lib/errors.js'
import { log } from '../lib/log.js'
import type { ApiResult } from './types.js'
import { compareVersions } from './version.js'

export const STATUS_BY_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'not-modified': 304,
  unavailable: 503,
  'not-implemented': 501,
  internal: 500,
}

export const statusOf = (kind: ErrorKind): number => STATUS_BY_KIND[kind]

/** Where an error happened: for the log line, and the client's version for the body format. */
export interface ErrorContext {
  method?: string
  path?: string
  version?: string
}

// Clients older than API 1.24 expect plain-text errors; dockerd still answers them that way so
// that its "client version … is too old" message reads well.
const PLAIN_TEXT_BELOW = '1.24'

/** Turns anything thrown by a handler into the result dockerd would send. */
export function errorResult(err: unknown, ctx: ErrorContext = {}): ApiResult {
  const kind: ErrorKind = err instanceof BerthError ? err.kind : 'internal'
  const message = err instanceof Error ? err.message : String(err)
  const status = statusOf(kind)
  if (!(err instanceof BerthError)) {
    log.error(`handler for ${ctx.method ?? '?'} ${ctx.path ?? '?'} failed`, {
      error: message,
      stack: err instanceof Error ? err.stack : undefined,
    })
  } else if (status >= 500) {
    log.error(`handler for ${ctx.method ?? '?'} ${ctx.path ?? '?'} returned error`, { error: message, status })
  }
  // A 304 carries no body (Go's server drops it too).
  if (status === 304) return { status: 304, empty: true }
  if (ctx.version && compareVersions(ctx.version, PLAIN_TEXT_BELOW) < 0) {
    return { status, text: `${message}\n`, headers: { 'X-Content-Type-Options': 'nosniff' } }
  }
  return { status, json: { message } }
}
