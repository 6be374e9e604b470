// The Docker API versions berthd serves, and the checks made on a request's /vX.Y prefix.
// A request without a prefix is served at the newest version, as dockerd does. Version
// differences in response shapes belong in api/wire/, which uses `atLeast`.
import { BerthError } from '../lib/errors.js'

export const MIN_VERSION = '1.24'
export const MAX_VERSION = '1.47'
export const DEFAULT_VERSION = MAX_VERSION

/** Compares dotted versions numerically ("1.9" < "1.10"); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map((n) => Number.parseInt(n, 10) || 0)
  const pb = b.split('.').map((n) => Number.parseInt(n, 10) || 0)
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0)
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return 0
}

export const atLeast = (version: string, min: string): boolean => compareVersions(version, min) >= 0

const PREFIX = /^\/v([0-9.]+)(\/.*)$/

/** Splits `/v1.41/containers/json` into version "1.41" and path "/containers/json". */
export function splitVersionPrefix(path: string): { version?: string; path: string } {
  const m = PREFIX.exec(path)
  return m ? { version: m[1], path: m[2] } : { path }
}

/** Throws Docker's own `invalid` error when the client's version is outside what we serve. */
export function checkApiVersion(version: string): void {
  if (compareVersions(version, MIN_VERSION) < 0) {
    throw new BerthError(
      'invalid',
      `client version ${version} is too old. Minimum supported API version is ${MIN_VERSION}, please upgrade your client to a newer version`,
    )
  }
  if (compareVersions(version, MAX_VERSION) > 0) {
    throw new BerthError('invalid', `client version ${version} is too new. Maximum supported API version is ${MAX_VERSION}`)
  }
}
