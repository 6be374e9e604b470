// The one place berthd leaves HTTP: attach and exec start take over the client's connection
// and speak a raw (or multiplexed) byte stream on it. Two ways in, as with dockerd:
// - `Upgrade: tcp` requests arrive through node's 'upgrade' event with the socket already
//   detached from the HTTP parser; we answer `101 UPGRADED`.
// - plain POSTs (old clients) arrive as ordinary requests; `takeOverSocket` detaches node's HTTP
//   machinery from the socket the same way node does for upgrades, and we answer `200 OK`.
// Either way the rest of the connection belongs to the handler.
import { STATUS_CODES, type IncomingMessage, type ServerResponse } from 'node:http'
import { Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { BerthError } from '../lib/errors.js'

/** The head dockerd writes before raw stream bytes (moby's attach/exec handlers). */
export function hijackHead(contentType: string, upgrade: boolean, headers: Record<string, string>): string {
  const lines = upgrade
    ? ['HTTP/1.1 101 UPGRADED', `Content-Type: ${contentType}`, 'Connection: Upgrade', 'Upgrade: tcp']
    : ['HTTP/1.1 200 OK', `Content-Type: ${contentType}`]
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

/** A complete HTTP/1.1 response written straight to a socket that has left node's HTTP server. */
export function rawResponseHead(status: number, headers: Record<string, string>): string {
  const lines = [`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}`]
  for (const [k, v] of Object.entries(headers)) lines.push(`${k}: ${v}`)
  return lines.join('\r\n') + '\r\n\r\n'
}

/** Back to "no mode chosen", so the next 'data' listener starts the flow (as node does for upgrades). */
function resetFlowing(stream: Duplex) {
  ;(stream as unknown as { readableFlowing: boolean | null }).readableFlowing = null
}

interface NodeHttpParser {
  _consumed?: boolean
  unconsume?: () => void
  remove?: () => void
}

/**
 * Detaches a request's socket from node's HTTP server so that its bytes flow to us unparsed.
 * Call it only after the request body has been read to its end. Mirrors what node itself does
 * before emitting 'upgrade' (lib/_http_server.js onParserExecuteCommon).
 */
export function takeOverSocket(req: IncomingMessage, res: ServerResponse): Socket {
  const socket = req.socket as Socket & { parser?: NodeHttpParser | null }
  res.detachSocket(socket)
  // At this point every listener on these events is node's HTTP server's own.
  for (const ev of ['data', 'end', 'close', 'drain', 'error', 'timeout', 'pause', 'resume']) socket.removeAllListeners(ev)
  const parser = socket.parser
  if (parser) {
    if (parser._consumed) parser.unconsume?.()
    parser._consumed = false
    parser.remove?.() // off the server's request-timeout list
    socket.parser = null
  }
  socket.on = Socket.prototype.on
  socket.addListener = Socket.prototype.addListener
  socket.prependListener = Socket.prototype.prependListener
  socket.setTimeout(0)
  resetFlowing(socket)
  return socket
}

/**
 * Reads a Content-Length body that follows an upgrade request (exec start sends JSON with
 * `Upgrade: tcp`). Returns the body and whatever bytes came after it; leaves the socket paused
 * but able to flow again when the handler attaches a 'data' listener or pipes it.
 */
export function readUpgradeBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<{ body: Buffer; rest: Buffer }> {
  const length = Number.parseInt(String(req.headers['content-length'] ?? '0'), 10) || 0
  if (length <= head.length) return Promise.resolve({ body: head.subarray(0, length), rest: head.subarray(length) })
  return new Promise((resolve, reject) => {
    let buf = head
    const done = () => {
      socket.off('data', onData)
      socket.off('end', onEnd)
      socket.off('error', reject)
      socket.pause()
      resetFlowing(socket)
    }
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk])
      if (buf.length < length) return
      done()
      resolve({ body: buf.subarray(0, length), rest: buf.subarray(length) })
    }
    const onEnd = () => {
      done()
      reject(new BerthError('invalid', 'invalid JSON: unexpected EOF'))
    }
    socket.on('data', onData)
    socket.on('end', onEnd)
    socket.on('error', reject)
  })
}
