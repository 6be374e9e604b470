// Errors the client raises. An API error keeps the HTTP status and the daemon's own `message`
// (the CLI prints it as Docker does: "Error response from daemon: <message>"). A connection
// failure says which socket did not answer.
import { BerthError, type ErrorKind } from '../lib/errors.js'

const KIND_BY_STATUS: Record<number, ErrorKind> = {
  304: 'not-modified',
  400: 'invalid',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  501: 'not-implemented',
  503: 'unavailable',
}

export class ApiError extends BerthError {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(KIND_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'invalid'), message)
    this.name = 'ApiError'
  }
}

export class ConnectError extends BerthError {
  constructor(
    readonly host: string,
    readonly code: string | undefined,
  ) {
    super('unavailable', `Cannot connect to the berth daemon at ${host}. Is the berth daemon running?`)
    this.name = 'ConnectError'
  }
}

/** Reads a daemon error body: JSON {"message": …} or plain text. */
export function errorMessage(body: string, status: number): string {
  try {
    const parsed = JSON.parse(body) as { message?: unknown }
    if (typeof parsed.message === 'string') return parsed.message
  } catch {
    /* not JSON */
  }
  const text = body.trim()
  return text !== '' ? text : `HTTP ${status}`
}

export const isConnectFailure = (e: unknown): boolean => {
  const code = (e as NodeJS.ErrnoException | undefined)?.code
  return code === 'ENOENT' || code === 'ECONNREFUSED' || code === 'EACCES' || code === 'ENOTSOCK'
}
