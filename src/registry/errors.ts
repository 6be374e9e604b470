// Registry error responses ({"errors":[{"code","message","detail"}]}, the distribution spec) and
// their translation into Docker's pull messages. A RegistryError keeps the registry's code so
// callers can decide (push treats BLOB_UNKNOWN differently from DENIED).
import { BerthError, type ErrorKind } from '../lib/errors.js'

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

const KIND_BY_STATUS: Record<number, ErrorKind> = { 400: 'invalid', 401: 'forbidden', 403: 'forbidden', 404: 'not-found', 405: 'not-implemented', 409: 'conflict', 416: 'invalid', 429: 'unavailable' }

/** `manifest unknown: manifest unknown`: Go's errcode.Error text (code in lower case, then message). */
export function errorText(code: string, message: string): string {
  return `${code.toLowerCase().replaceAll('_', ' ')}: ${message || code.toLowerCase().replaceAll('_', ' ')}`
}

/** A RegistryError from a non-2xx answer and its body. */
export function fromResponse(status: number, body: string, what: string): RegistryError {
  let errors: Array<{ code?: string; message?: string }> = []
  try {
    const parsed = JSON.parse(body) as { errors?: typeof errors }
    if (Array.isArray(parsed.errors)) errors = parsed.errors
  } catch {
    // not JSON: the status says it
  }
  const kind = KIND_BY_STATUS[status] ?? (status >= 500 ? 'unavailable' : 'internal')
  const first = errors[0]
  if (first?.code) return new RegistryError(kind, errorText(first.code, first.message ?? ''), first.code, status)
  if (status === 401) return new RegistryError(kind, errorText('UNAUTHORIZED', 'authentication required'), 'UNAUTHORIZED', status)
  return new RegistryError(kind, `${what}: unexpected status from registry: ${status}${body ? ` ${body.trim().slice(0, 200)}` : ''}`, '', status)
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
