// The embedded DNS server of user-defined networks: answers the names the resolver knows (A, AAAA, PTR)
// and forwards everything else to the upstreams the resolver names, over UDP, relaying their answer
// as is. Each listening address has one UDP socket and one TCP listener (2-byte length framing,
// RFC 1035 4.2.2) on the same port; clients retry over TCP when an answer comes back truncated.
//
// Invariants: no input crashes the daemon (every handler catches and logs); a reply is sent only
// to the client that asked; nothing is forwarded unless upstreams() names an address; a message
// that is itself a response is dropped, so two servers cannot bounce packets between them.
import dgram from 'node:dgram'
import { randomInt } from 'node:crypto'
import net from 'node:net'
import { BerthError, within } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import {
  buildResponse, Class, DnsFormatError, normalizeName, OPCODE_QUERY, parseQuery, Rcode, readHeader,
  reverseAddress, reverseAddress6, Type, UDP_MAX_SIZE, withId, type Answer, type Header, type Query, type ResponseOptions,
} from './message.js'

export interface DnsResolver {
  /**
   * The addresses of `name` as seen by the client at `client` querying us on `server` (our
   * listening IP): IPv4 ones answer A queries, IPv6 ones (canonical text) AAAA. undefined = not a
   * name we know.
   */
  lookup(name: string, client: string, server: string): string[] | undefined
  /** PTR: the name for an address (IPv4 dotted, or IPv6 in canonical text), or undefined. */
  reverse(ip: string, client: string, server: string): string | undefined
  /** Where to forward names we do not know (IPv4 addresses, port 53). [] = answer SERVFAIL, never forward. */
  upstreams(client: string, server: string): string[]
}

/** Sends `query` to `upstream:port` and resolves with its answer; rejects on timeout or error. */
export type Forwarder = (query: Buffer, upstream: string, port: number, timeoutMs: number) => Promise<Buffer>

export interface DnsServerOptions {
  /** Per upstream, before trying the next one. */
  timeoutMs?: number
  upstreamPort?: number
  /** Forwarded queries in flight at once; beyond it a query gets SERVFAIL, bounding sockets used. */
  maxInFlight?: number
  forward?: Forwarder
}

interface Listener {
  ready: Promise<void>
  port: number
  udp?: dgram.Socket
  tcp?: net.Server
  connections: Set<net.Socket>
}

interface Context { client: string; server: string; maxSize: number }

const TCP_IDLE_MS = 10_000

export class DnsServer {
  private readonly listeners = new Map<string, Listener>()
  private readonly timeoutMs: number
  private readonly upstreamPort: number
  private readonly maxInFlight: number
  private readonly forward: Forwarder
  private inFlight = 0

  constructor(private readonly resolver: DnsResolver, opts: DnsServerOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 2000
    this.upstreamPort = opts.upstreamPort ?? 53
    this.maxInFlight = opts.maxInFlight ?? 100
    this.forward = opts.forward ?? forwardUdp
  }

  /** Serves `address` on UDP and TCP. Again for the same address: the same listener. Port 0 picks one; see port(). */
  listen(address: string, port = 53): Promise<void> {
    const existing = this.listeners.get(address)
    if (existing) return existing.ready
    if (!net.isIPv4(address)) return Promise.reject(new BerthError('invalid', `DNS listen: ${JSON.stringify(address)} is not an IPv4 address`))
    const l: Listener = { ready: Promise.resolve(), port, connections: new Set() }
    l.ready = this.bind(address, l).catch((e: unknown) => {
      if (this.listeners.get(address) === l) this.listeners.delete(address)
      throw within(`listen for DNS on ${address}:${port}`, e)
    })
    this.listeners.set(address, l)
    return l.ready
  }

  /** The bound port of `address`, or undefined when not listening there. */
  port(address: string): number | undefined {
    const l = this.listeners.get(address)
    return l?.udp ? l.port : undefined
  }

  addresses(): string[] {
    return [...this.listeners.keys()]
  }

  async close(address: string): Promise<void> {
    const l = this.listeners.get(address)
    if (!l) return
    this.listeners.delete(address)
    await l.ready.catch(() => {})
    await stopListener(l)
  }

  async closeAll(): Promise<void> {
    await Promise.all(this.addresses().map((a) => this.close(a)))
  }

  private async bind(address: string, l: Listener) {
    // With port 0 the TCP side must take the port UDP was given; another process may hold it on
    // TCP, so pick again a few times.
    for (let attempt = 1; ; attempt++) {
      const udp = await bindUdp(address, l.port, (sock, msg, rinfo) => this.onDatagram(sock, msg, rinfo, address))
      const port = udp.address().port
      try {
        l.tcp = await listenTcp(address, port, (conn) => this.onConnection(conn, address, l))
      } catch (e) {
        if (l.port === 0 && attempt < 5) { udp.close(); continue }
        // A host resolver listening on *:53/tcp blocks us there; UDP alone still serves nearly
        // every client, so keep it rather than leave the network without names.
        log.warn('DNS over TCP unavailable', { address, port, error: (e as Error).message })
      }
      l.udp = udp
      l.port = port
      return
    }
  }

  private onDatagram(udp: dgram.Socket, msg: Buffer, from: dgram.RemoteInfo, server: string) {
    const client = from.address
    this.respond(msg, { client, server, maxSize: UDP_MAX_SIZE }).then((reply) => {
      if (reply) udp.send(reply, from.port, client, (e) => { if (e) log.debug('DNS reply not sent', { client, error: e.message }) })
    }).catch((e: unknown) => log.error('DNS query failed', { client, server, error: String(e) }))
  }

  private onConnection(conn: net.Socket, server: string, l: Listener) {
    l.connections.add(conn)
    conn.on('close', () => l.connections.delete(conn))
    conn.on('error', (e) => log.debug('DNS TCP connection error', { server, error: e.message }))
    conn.setTimeout(TCP_IDLE_MS, () => conn.destroy())
    const client = (conn.remoteAddress ?? '').replace(/^::ffff:/, '')
    let pending = Buffer.alloc(0)
    conn.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk])
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0))
        pending = pending.subarray(2 + msg.length)
        this.respond(msg, { client, server, maxSize: 0xffff }).then((reply) => {
          if (!reply || conn.destroyed) return
          const len = Buffer.alloc(2)
          len.writeUInt16BE(reply.length)
          conn.write(Buffer.concat([len, reply]))
        }).catch((e: unknown) => log.error('DNS query failed', { client, server, error: String(e) }))
      }
    })
  }

  /** The reply to one message, or undefined to drop it. Never throws. */
  private async respond(msg: Buffer, ctx: Context): Promise<Buffer | undefined> {
    let header: Header
    try {
      header = readHeader(msg)
    } catch {
      return undefined
    }
    if (header.qr) return undefined
    const bare: Query = { header, questions: [] }
    try {
      if (header.opcode !== OPCODE_QUERY) return buildResponse(bare, { rcode: 'notImp' })
      const query = parseQuery(msg)
      if (query.questions.length !== 1) return buildResponse(bare, { rcode: 'formErr' })
      const answers = this.answerLocally(query, ctx)
      if (answers) return buildResponse(query, { answers, authoritative: true, ...this.recursion(ctx), maxSize: ctx.maxSize })
      return await this.forwardQuery(msg, query, ctx)
    } catch (e) {
      if (e instanceof DnsFormatError) return buildResponse(bare, { rcode: 'formErr' })
      log.error('DNS query failed', { client: ctx.client, server: ctx.server, error: String(e) })
      return buildResponse(bare, { rcode: 'servFail' })
    }
  }

  /** Our answer for the query's question, or undefined when the name is not ours. */
  private answerLocally(query: Query, { client, server }: Context): Answer[] | undefined {
    const q = query.questions[0]!
    if (q.class !== Class.IN && q.class !== Class.ANY) return undefined
    const name = normalizeName(q.name)
    const ip = q.type === Type.PTR ? reverseAddress(name) ?? reverseAddress6(name) : undefined
    if (ip !== undefined) {
      const host = this.resolver.reverse(ip, client, server)
      return host === undefined ? undefined : [{ type: 'PTR', name: host }]
    }
    const addresses = this.resolver.lookup(name, client, server)
    if (addresses === undefined) return undefined
    // A known name with no record of the asked type is NOERROR with no answers (not NXDOMAIN),
    // so the client's resolver does not give up on its A query.
    const of = (type: 'A' | 'AAAA') => addresses.filter((a) => (type === 'A' ? net.isIPv4(a) : net.isIPv6(a))).map((address): Answer => ({ type, address }))
    if (q.type === Type.ANY) return [...of('A'), ...of('AAAA')]
    return q.type === Type.A ? of('A') : q.type === Type.AAAA ? of('AAAA') : []
  }

  private recursion({ client, server }: Context): Pick<ResponseOptions, 'recursionAvailable'> {
    try {
      return { recursionAvailable: this.upstreamsFor(client, server).length > 0 }
    } catch (e) {
      // Only a flag in our own answer; not worth failing the answer for.
      log.error('DNS resolver: upstreams failed', { client, server, error: String(e) })
      return { recursionAvailable: false }
    }
  }

  private upstreamsFor(client: string, server: string): string[] {
    const all = this.resolver.upstreams(client, server)
    const usable = all.filter((u) => net.isIPv4(u))
    if (usable.length < all.length) log.warn('DNS upstreams ignored: not IPv4 addresses', { upstreams: all.filter((u) => !net.isIPv4(u)) })
    return usable
  }

  private async forwardQuery(msg: Buffer, query: Query, ctx: Context): Promise<Buffer> {
    const upstreams = this.upstreamsFor(ctx.client, ctx.server)
    const servFail = () => buildResponse(query, { rcode: 'servFail', recursionAvailable: upstreams.length > 0 })
    if (upstreams.length === 0) return servFail()
    if (this.inFlight >= this.maxInFlight) {
      log.warn('DNS forwarding: too many queries in flight', { client: ctx.client, limit: this.maxInFlight })
      return servFail()
    }
    this.inFlight++
    try {
      // A fresh random ID per upstream query: the client's ID is its own and may be guessable.
      const id = randomInt(0x10000)
      const outgoing = withId(msg, id)
      for (const upstream of upstreams) {
        try {
          const answer = await this.forward(outgoing, upstream, this.upstreamPort, this.timeoutMs)
          const h = readHeader(answer)
          if (h.id !== id || !h.qr) throw new Error('answer does not match the query')
          // Another upstream may know better; Docker moves on after SERVFAIL too.
          if (h.rcode === Rcode.servFail) throw new Error('upstream answered SERVFAIL')
          return withId(answer, query.header.id)
        } catch (e) {
          log.debug('DNS upstream failed', { upstream, name: query.questions[0]!.name, error: (e as Error).message })
        }
      }
      return servFail()
    } finally {
      this.inFlight--
    }
  }
}

type OnDatagram = (udp: dgram.Socket, msg: Buffer, rinfo: dgram.RemoteInfo) => void

function bindUdp(address: string, port: number, onMessage: OnDatagram): Promise<dgram.Socket> {
  // reuseAddr: a host resolver bound to 0.0.0.0:53 must not keep us off a bridge's own address.
  const udp = dgram.createSocket({ type: 'udp4', reuseAddr: true })
  return new Promise((resolve, reject) => {
    udp.once('error', reject)
    udp.bind({ address, port }, () => {
      udp.off('error', reject)
      udp.on('error', (e) => log.warn('DNS UDP socket error', { address, error: e.message }))
      udp.on('message', (msg, rinfo) => onMessage(udp, msg, rinfo))
      resolve(udp)
    })
  })
}

function listenTcp(address: string, port: number, onConnection: (conn: net.Socket) => void): Promise<net.Server> {
  const tcp = net.createServer(onConnection)
  return new Promise((resolve, reject) => {
    tcp.once('error', reject)
    tcp.listen({ host: address, port }, () => {
      tcp.off('error', reject)
      tcp.on('error', (e) => log.warn('DNS TCP listener error', { address, error: e.message }))
      resolve(tcp)
    })
  })
}

async function stopListener(l: Listener) {
  for (const c of l.connections) c.destroy()
  await Promise.all([
    l.udp && new Promise<void>((resolve) => l.udp!.close(() => resolve())),
    l.tcp && new Promise<void>((resolve) => l.tcp!.close(() => resolve())),
  ])
}

/** The default Forwarder: one UDP socket per query, so each gets its own random source port. */
export const forwardUdp: Forwarder = (query, upstream, port, timeoutMs) => new Promise((resolve, reject) => {
  const sock = dgram.createSocket('udp4')
  let settled = false
  const done = (fn: () => void) => {
    if (settled) return
    settled = true
    clearTimeout(timer)
    sock.close()
    fn()
  }
  const timer = setTimeout(() => done(() => reject(new Error(`no answer from ${upstream} in ${timeoutMs}ms`))), timeoutMs)
  sock.on('error', (e) => done(() => reject(e)))
  sock.on('message', (msg, rinfo) => {
    // Only the upstream's own address and port count; anything else on this socket is noise.
    if (rinfo.address === upstream && rinfo.port === port) done(() => resolve(msg))
  })
  sock.send(query, port, upstream, (e) => { if (e) done(() => reject(e)) })
})
