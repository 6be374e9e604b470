// The contract between the HTTP server and the route handlers. A handler receives a decoded
// request and returns a result value; server.ts turns it into bytes. Handlers never touch the
// socket except through `hijack` (attach, exec start) or `stream` (logs, events, progress).
import type { IncomingMessage } from 'node:http'
import type { Duplex, Readable } from 'node:stream'

export interface ApiRequest {
  method: string
  /** Path without the /vX.Y prefix, e.g. /containers/abc/json */
  path: string
  /** Negotiated API version, e.g. "1.47" */
  version: string
  /** Values of {name} segments in the route pattern (URL-decoded). */
  params: Record<string, string>
  query: URLSearchParams
  headers: IncomingMessage['headers']
  /** Parsed JSON body for application/json requests; undefined when there is none. */
  body: unknown
  /** The raw request, for handlers that read a non-JSON body (tar uploads). Its body is unread when `body` is undefined. */
  raw: IncomingMessage
}

export interface HijackedConnection {
  /** The client's socket after the 101/200 upgrade response was written. */
  socket: Duplex
  /** Bytes the client sent after the request head (already part of stdin). */
  head: Buffer
}

export type ApiResult =
  | { status?: number; json: unknown; headers?: Record<string, string> }
  | { status?: number; text: string; headers?: Record<string, string> }
  | { status: 204 | 304 | 201 | 200; empty: true; headers?: Record<string, string> }
  /** A streamed body (chunked). contentType defaults to application/json. */
  | { status?: number; stream: Readable; contentType?: string; headers?: Record<string, string> }
  /** Take over the connection (attach, exec start). contentType: application/vnd.docker.raw-stream or .multiplexed-stream */
  | { hijack: (conn: HijackedConnection) => void | Promise<void>; contentType: string }

export type Handler = (req: ApiRequest) => ApiResult | Promise<ApiResult>

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'HEAD'
  /** e.g. '/containers/{id}/start' */
  pattern: string
  handler: Handler
  /** Oldest API version that has this route; older clients get Docker's 400 "requires minimum API version". */
  minVersion?: string
}
