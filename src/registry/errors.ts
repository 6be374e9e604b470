// Registry error responses ({"errors":[{"code","message","detail"}]}, the distribution spec) and
// their translation into Docker's pull messages. A RegistryError keeps the registry's code so
// callers can decide (push treats BLOB_UNKNOWN differently from DENIED).
import { BerthError, type ErrorKind } from '../lib/errors.js'
import type { Challenge } from './auth.js'

export class RegistryError extends BerthError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** The first error code the registry sent, e.g. MANIFEST_UNKNOWN; '' when there was none. */
    readonly code: string,
    readonly status: number,
    options?: ErrorOptions,
  ) {
    super(kind, message, options)
  }
}

const KIND_BY_STATUS: Record<number, ErrorKind> = { 400: 'invalid', 401: 'unauthorized', 403: 'forbidden', 404: 'not-found', 405: 'not-implemented', 409: 'conflict', 416: 'invalid', 429: 'unavailable' }

/** `manifest unknown: manifest unknown`: Go's errcode.Error text (code in lower case, then message). */
export function errorText(code: string, message: string): string {
  return `${code.toLowerCase().replaceAll('_', ' ')}: ${message || code.toLowerCase().replaceAll('_', ' ')}`
}

/** Go's errcode messages for the codes a refusal may carry without one. */
const DEFAULT_MESSAGE: Record<string, string> = { UNAUTHORIZED: 'authentication required', DENIED: 'requested access to the resource is denied', TOOMANYREQUESTS: 'too many requests' }

/** The code Docker's client gives a refusal whose body names none (its makeError). */
const CODE_BY_STATUS: Record<number, string> = { 401: 'UNAUTHORIZED', 403: 'DENIED', 429: 'TOOMANYREQUESTS' }

/**
 * The OAuth error of a bearer challenge (RFC 6750 §3.1), which outranks the body as in Docker's
 * client: `insufficient_scope` is DENIED (Docker's "pull access denied"), `invalid_token` UNAUTHORIZED.
 */
function challengeError(challenges: Challenge[]): { code: string; message: string } | undefined {
  for (const c of challenges) {
    if (c.scheme !== 'bearer') continue
    const code = c.params.error === 'insufficient_scope' ? 'DENIED' : c.params.error === 'invalid_token' ? 'UNAUTHORIZED' : undefined
    if (code) return { code, message: c.params.error_description || DEFAULT_MESSAGE[code]! }
  }
  return undefined
}

/** A RegistryError from a non-2xx answer, its body and its WWW-Authenticate challenges. */
export function fromResponse(status: number, body: string, what: string, challenges: Challenge[] = []): RegistryError {
  let errors: Array<{ code?: string; message?: string }> = []
  try {
    const parsed = JSON.parse(body) as { errors?: typeof errors }
    if (Array.isArray(parsed.errors)) errors = parsed.errors
  } catch {
    // not JSON: the status says it
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'internal')
  const oauth = status >= 400 && status < 500 ? challengeError(challenges) : undefined
  if (oauth) return new RegistryError(oauth.code === 'DENIED' ? 'forbidden' : 'unauthorized', errorText(oauth.code, oauth.message), oauth.code, status)
  const first = errors[0]
  if (first?.code) return new RegistryError(kind, errorText(first.code, first.message ?? ''), first.code, status)
  const code = CODE_BY_STATUS[status]
  if (code) {
    // a plain-text body is the message; a JSON one without errors says nothing
    const text = errors.length === 0 && !body.trimStart().startsWith('{') ? body.trim().slice(0, 200) : ''
    return new RegistryError(kind, errorText(code, text || DEFAULT_MESSAGE[code]!), code, status)
  }
  return new RegistryError(kind, `${what}: unexpected status from registry: ${status}${body ? ` ${body.trim().slice(0, 200)}` : ''}`, '', status)
}

/**
 * A token server's refusal, in Docker's words after `what` (the request that needed the token):
 * its `details` (Docker Hub's "incorrect username or password") or its first error. dockerd
 * answers 401 for a 401 (errdefs.Unauthorized) and the errcode's own status otherwise.
 */
export function tokenRefusal(status: number, body: string, what: string): RegistryError {
  let code = status === 403 ? 'DENIED' : 'UNAUTHORIZED'
  let message = DEFAULT_MESSAGE[code]!
  try {
    const j = JSON.parse(body) as { details?: string; errors?: Array<{ code?: string; message?: string }> }
    if (j.details) message = j.details
    else if (j.errors?.[0]?.code) ({ code, message = '' } = j.errors[0] as { code: string; message?: string })
  } catch {
    // not JSON: the status says it
  }
  const kind: ErrorKind = status === 401 ? 'unauthorized' : status === 403 ? 'forbidden' : status >= 500 ? 'unavailable' : 'unauthorized'
  return new RegistryError(kind, `${what}: ${errorText(code, message)}`, code, status)
}

/** Node's TLS and socket errors in the words Go's net/http would use, which Docker prints. */
export function transportMessage(e: unknown): string {
  const err = e as NodeJS.ErrnoException
  switch (err?.code) {
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority'
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid'
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: ${err.message}`
    case 'ECONNREFUSED':
      return `dial tcp ${(err as { address?: string }).address ?? ''}${(err as { port?: number }).port ? `:${(err as { port?: number }).port}` : ''}: connect: connection refused`
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `dial tcp: lookup ${(err as { hostname?: string }).hostname ?? ''}: no such host`
    default:
      // a server refusing our client certificate answers with a TLS alert
      if (/ALERT_CERTIFICATE_REQUIRED/.test(err?.code ?? '')) return 'remote error: tls: certificate required'
      if (/ALERT_BAD_CERTIFICATE/.test(err?.code ?? '')) return 'remote error: tls: bad certificate'
      return err?.message ?? String(e)
  }
}
