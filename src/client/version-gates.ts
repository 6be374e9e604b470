// Request bodies adjusted to the negotiated API version, as Docker's Go client does before it
// sends them: the create bodies the CLI builds are the newest shape, and older daemons get theirs.
import { versionLess } from './transport.js'

type Body = Record<string, unknown>

const requires = (feature: string, min: string, version: string) =>
  new Error(`"${feature}" requires API version ${min}, but the berth daemon API version is ${version}`)

/**
 * POST /containers/create: from 1.44 the MAC address travels per endpoint only and the
 * container-wide Config.MacAddress (deprecated) is dropped; before 1.44 a per-endpoint MAC
 * address cannot be sent at all.
 */
export function containerCreateBody(body: Body, version: string): Body {
  const endpoints = (body.NetworkingConfig as { EndpointsConfig?: Record<string, { MacAddress?: string } | null> } | undefined)?.EndpointsConfig ?? {}
  if (versionLess(version, '1.44')) {
    if (Object.values(endpoints).some((ep) => ep?.MacAddress)) throw requires('specify mac-address per network', '1.44', version)
    return body
  }
  if (!('MacAddress' in body)) return body
  const { MacAddress: _, ...rest } = body
  return rest
}

/** POST /networks/create: daemons before 1.44 check for duplicate names only when asked. */
export function networkCreateBody<T extends object>(body: T, version: string): T & { CheckDuplicate?: boolean } {
  return versionLess(version, '1.44') ? { ...body, CheckDuplicate: true } : body
}
