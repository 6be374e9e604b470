// A real server on loopback answering a real client over UDP and TCP. Upstreams are fake DNS
// servers on other 127.0.0.0/8 addresses; nothing here sends a packet outside loopback.
import assert from 'node:assert/strict'
import dgram from 'node:dgram'
import net from 'node:net'
import { after, before, beforeEach, test } from 'node:test'
import { setLevel } from '../../lib/log.js'
import { buildQuery, buildResponse, encodeName, parseMessage, parseQuery, Rcode, Type, type Message } from './message.js'
import { DnsServer, forwardUdp, type DnsResolver, type Forwarder } from './server.js'

const HOME = '127.0.0.1'
const OTHER = '127.0.0.4'
const UPSTREAM = '127.0.0.2'
const SILENT = '127.0.0.3'
const FAILING = '127.0.0.6'
const TIMEOUT_MS = 300

const records: Record<string, string[]> = {
  web: ['172.18.0.2'],
  'db.mynet': ['172.18.0.3', '172.18.0.4'],
  v6only: [],
  dual: ['172.18.0.5', 'fd00:1::5'],
  many: Array.from({ length: 40 }, (_, i) => `172.18.1.${i}`),
}

let upstreams: string[] = []
let calls: string[][] = []
let forwarded: string[] = []
let failLookup = false
const resolver: DnsResolver = {
  lookup(name, client, server) {
    calls.push(['lookup', name, client, server])
    if (failLookup) throw new Error('resolver broke')
    if (server === OTHER) return name === 'web' ? ['10.4.0.2'] : undefined
    return records[name]
  },
  reverse(ip, client, server) {
    calls.push(['reverse', ip, client, server])
    return ip === '172.18.0.2' ? 'web.mynet' : ip === 'fd00:1::5' ? 'dual.mynet' : undefined
  },
  upstreams(client, server) {
    calls.push(['upstreams', client, server])
    return upstreams
  },
}

/** A fake upstream: answers every query with one A record, or SERVFAIL, or not at all. */
class FakeUpstream {
  received: Buffer[] = []
  readonly sock = dgram.createSocket('udp4')
  constructor(readonly mode: 'answer' | 'servfail' | 'silent') {}
  async start(address: string, port: number) {
    await new Promise<void>((resolve, reject) => {
      this.sock.once('error', reject)
      this.sock.bind(port, address, () => resolve())
    })
    this.sock.on('message', (msg, rinfo) => {
      this.received.push(msg)
      if (this.mode === 'silent') return
      const reply = this.mode === 'servfail'
        ? buildResponse(parseQuery(msg), { rcode: 'servFail', recursionAvailable: true })
        : buildResponse(parseQuery(msg), { answers: [{ type: 'A', address: '198.51.100.7' }], recursionAvailable: true })
      this.sock.send(reply, rinfo.port, rinfo.address)
    })
    return this.sock.address().port
  }
}

const upstream = new FakeUpstream('answer')
const silent = new FakeUpstream('silent')
const failing = new FakeUpstream('servfail')
let dns: DnsServer
let port: number
let otherPort: number

before(async () => {
  setLevel('fatal')
  const upstreamPort = await upstream.start(UPSTREAM, 0)
  await silent.start(SILENT, upstreamPort)
  await failing.start(FAILING, upstreamPort)
  const spy: Forwarder = (q, to, p, t) => {
    forwarded.push(to)
    return forwardUdp(q, to, p, t)
  }
  dns = new DnsServer(resolver, { upstreamPort, timeoutMs: TIMEOUT_MS, forward: spy })
  await dns.listen(HOME, 0)
  await dns.listen(OTHER, 0)
  port = dns.port(HOME)!
  otherPort = dns.port(OTHER)!
})

after(async () => {
  await dns.closeAll()
  for (const u of [upstream, silent, failing]) u.sock.close()
})

beforeEach(() => {
  upstreams = []
  calls = []
  forwarded = []
  failLookup = false
  for (const u of [upstream, silent, failing]) u.received = []
})

/** One datagram out, the first datagram back, or undefined after `waitMs`. */
async function udp(msg: Buffer, opts: { to?: string; port?: number; from?: string; waitMs?: number } = {}): Promise<Buffer | undefined> {
  const sock = dgram.createSocket('udp4')
  await new Promise<void>((resolve) => sock.bind(0, opts.from ?? HOME, () => resolve()))
  try {
    return await new Promise<Buffer | undefined>((resolve) => {
      const timer = setTimeout(() => resolve(undefined), opts.waitMs ?? 3000)
      sock.on('message', (m) => { clearTimeout(timer); resolve(m) })
      sock.send(msg, opts.port ?? port, opts.to ?? HOME)
    })
  } finally {
    sock.close()
  }
}

/** Writes `chunks` on one TCP connection and collects `count` framed replies. */
async function tcp(chunks: Buffer[], count = 1, opts: { to?: string; port?: number; from?: string } = {}): Promise<Buffer[]> {
  const conn = net.connect({ host: opts.to ?? HOME, port: opts.port ?? port, localAddress: opts.from })
  const replies: Buffer[] = []
  let pending = Buffer.alloc(0)
  try {
    return await new Promise<Buffer[]>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`timed out with ${replies.length}/${count} replies`)), 3000)
      conn.on('error', reject)
      conn.on('data', (c: Buffer) => {
        pending = Buffer.concat([pending, c])
        while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
          replies.push(pending.subarray(2, 2 + pending.readUInt16BE(0)))
          pending = pending.subarray(2 + replies.at(-1)!.length)
        }
        if (replies.length >= count) { clearTimeout(timer); resolve(replies) }
      })
      conn.on('connect', async () => {
        for (const c of chunks) {
          conn.write(c)
          await new Promise((r) => setTimeout(r, 20))
        }
      })
    })
  } finally {
    conn.destroy()
  }
}

const framed = (msg: Buffer) => Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg])

async function ask(name: string, type: number, opts: { id?: number; to?: string; port?: number; from?: string } = {}): Promise<Message> {
  const reply = await udp(buildQuery(opts.id ?? 0x4242, name, type), opts)
  assert.ok(reply, `no answer for ${name}`)
  return parseMessage(reply)
}

const addresses = (m: Message) => m.answers.map((a) => a.data)

test('a known name gets its A records, authoritative, TTL 600, nothing forwarded', async () => {
  upstreams = [UPSTREAM]
  const m = await ask('db.mynet', Type.A, { id: 0x1234 })
  assert.equal(m.header.id, 0x1234)
  assert.equal(m.header.rcode, Rcode.noError)
  assert.equal(m.header.aa, true)
  assert.equal(m.header.qr, true)
  assert.equal(m.header.rd, true)
  assert.equal(m.header.ra, true)
  assert.deepEqual(m.questions, [{ name: 'db.mynet', type: Type.A, class: 1 }])
  assert.deepEqual(addresses(m), ['172.18.0.3', '172.18.0.4'])
  assert.deepEqual(m.answers.map((a) => a.ttl), [600, 600])
  assert.deepEqual(forwarded, [])
  assert.equal(upstream.received.length, 0)
})

test('names are case-insensitive and the client\'s case is echoed', async () => {
  const m = await ask('WeB', Type.A)
  assert.deepEqual(addresses(m), ['172.18.0.2'])
  assert.equal(m.questions[0]!.name, 'WeB')
  assert.equal(m.answers[0]!.name, 'WeB')
  assert.deepEqual(calls.find((c) => c[0] === 'lookup'), ['lookup', 'web', HOME, HOME])
  assert.equal(m.header.ra, false, 'no upstreams, no recursion')
})

test('AAAA and other types of a known name: NOERROR with no answers', async () => {
  upstreams = [UPSTREAM]
  for (const [name, type] of [['web', Type.AAAA], ['web', Type.MX], ['v6only', Type.A]] as const) {
    const m = await ask(name, type)
    assert.equal(m.header.rcode, Rcode.noError, `${name} ${type}`)
    assert.equal(m.header.aa, true)
    assert.deepEqual(m.answers, [])
    assert.deepEqual(m.questions, [{ name, type, class: 1 }])
  }
  assert.deepEqual(forwarded, [])
})

test('a name with both families: A gets the IPv4 address, AAAA the IPv6 one, ANY both; PTR in ip6.arpa', async () => {
  const data = (m: Message) => m.answers.map((a) => `${a.type} ${String(a.data)}`)
  assert.deepEqual(data(await ask('dual', Type.A)), ['1 172.18.0.5'])
  assert.deepEqual(data(await ask('dual', Type.AAAA)), ['28 fd00:1::5'])
  assert.deepEqual(data(await ask('dual', Type.ANY)), ['1 172.18.0.5', '28 fd00:1::5'])
  const ptr = await ask('5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa', Type.PTR)
  assert.equal(ptr.header.aa, true)
  assert.deepEqual(data(ptr), ['12 dual.mynet'])
  assert.deepEqual(calls.find((c) => c[0] === 'reverse'), ['reverse', 'fd00:1::5', HOME, HOME])
  assert.deepEqual(forwarded, [])
})

test('an unknown name without upstreams: SERVFAIL, and no packet leaves', async () => {
  const m = await ask('example.com', Type.A, { id: 99 })
  assert.equal(m.header.id, 99)
  assert.equal(m.header.rcode, Rcode.servFail)
  assert.equal(m.header.aa, false)
  assert.deepEqual(m.questions, [{ name: 'example.com', type: Type.A, class: 1 }])
  await new Promise((r) => setTimeout(r, 50))
  assert.deepEqual(forwarded, [])
  assert.deepEqual([upstream, silent, failing].map((u) => u.received.length), [0, 0, 0])
})

test('an unknown name is forwarded and the upstream\'s answer relayed with the client\'s ID', async () => {
  upstreams = [UPSTREAM]
  const m = await ask('Example.COM', Type.A, { id: 0x7777 })
  assert.equal(m.header.id, 0x7777)
  assert.equal(m.header.rcode, Rcode.noError)
  assert.deepEqual(addresses(m), ['198.51.100.7'])
  assert.equal(m.questions[0]!.name, 'Example.COM')
  assert.equal(upstream.received.length, 1)
  assert.deepEqual(parseQuery(upstream.received[0]!).questions, [{ name: 'Example.COM', type: Type.A, class: 1 }])
  assert.deepEqual(forwarded, [UPSTREAM])
  assert.deepEqual(calls.find((c) => c[0] === 'upstreams'), ['upstreams', HOME, HOME])
})

test('an upstream that does not answer in time: the next one answers', async () => {
  upstreams = [SILENT, UPSTREAM]
  const started = Date.now()
  const m = await ask('example.org', Type.A)
  assert.ok(Date.now() - started >= TIMEOUT_MS - 20)
  assert.deepEqual(addresses(m), ['198.51.100.7'])
  assert.deepEqual(forwarded, [SILENT, UPSTREAM])
  assert.equal(silent.received.length, 1)
})

test('SERVFAIL from an upstream moves on; when every upstream fails the client gets SERVFAIL', async () => {
  upstreams = [FAILING, UPSTREAM]
  assert.deepEqual(addresses(await ask('example.net', Type.A)), ['198.51.100.7'])
  upstreams = [FAILING, SILENT]
  const m = await ask('example.net', Type.A, { id: 5 })
  assert.equal(m.header.id, 5)
  assert.equal(m.header.rcode, Rcode.servFail)
  assert.deepEqual(forwarded, [FAILING, UPSTREAM, FAILING, SILENT])
})

test('PTR: our names answered, others forwarded or SERVFAIL', async () => {
  const m = await ask('2.0.18.172.IN-ADDR.ARPA', Type.PTR)
  assert.equal(m.header.aa, true)
  assert.deepEqual(m.answers, [{ name: '2.0.18.172.IN-ADDR.ARPA', type: Type.PTR, class: 1, ttl: 600, data: 'web.mynet' }])
  assert.deepEqual(calls.find((c) => c[0] === 'reverse'), ['reverse', '172.18.0.2', HOME, HOME])
  assert.equal((await ask('9.9.18.172.in-addr.arpa', Type.PTR)).header.rcode, Rcode.servFail)
  assert.deepEqual(forwarded, [])
  upstreams = [UPSTREAM]
  assert.equal((await ask('9.9.18.172.in-addr.arpa', Type.PTR)).header.rcode, Rcode.noError)
  assert.deepEqual(forwarded, [UPSTREAM])
})

test('over TCP: answers, forwarding, queries split across writes and several in one write', async () => {
  upstreams = [UPSTREAM]
  const [a] = await tcp([framed(buildQuery(1, 'web', Type.A))])
  assert.deepEqual(addresses(parseMessage(a!)), ['172.18.0.2'])
  const q = framed(buildQuery(2, 'db.mynet', Type.A))
  const [b] = await tcp([q.subarray(0, 1), q.subarray(1, 9), q.subarray(9)])
  assert.deepEqual(addresses(parseMessage(b!)), ['172.18.0.3', '172.18.0.4'])
  const both = await tcp([Buffer.concat([framed(buildQuery(3, 'web', Type.AAAA)), framed(buildQuery(4, 'example.com', Type.A))])], 2)
  const byId = new Map(both.map((r) => [parseMessage(r).header.id, parseMessage(r)]))
  assert.deepEqual(byId.get(3)!.answers, [])
  assert.deepEqual(addresses(byId.get(4)!), ['198.51.100.7'])
})

test('a large answer is truncated over UDP (TC) and complete over TCP', async () => {
  const short = await ask('many', Type.A)
  assert.equal(short.header.tc, true)
  assert.ok(short.answers.length > 0 && short.answers.length < 40)
  const [full] = await tcp([framed(buildQuery(1, 'many', Type.A))])
  const m = parseMessage(full!)
  assert.equal(m.header.tc, false)
  assert.equal(m.answers.length, 40)
})

test('malformed input: FORMERR when the header is readable, else dropped; the server keeps answering', async () => {
  upstreams = [UPSTREAM]
  const head = (id: number, qdcount: number, flags = 0x0100) =>
    Buffer.from([id >> 8, id & 0xff, flags >> 8, flags & 0xff, 0, qdcount, 0, 0, 0, 0, 0, 0])
  assert.equal(await udp(Buffer.from([1, 2, 3, 4, 5]), { waitMs: 200 }), undefined, 'truncated header')
  assert.equal(await udp(Buffer.alloc(0), { waitMs: 200 }), undefined, 'empty datagram')
  const formErr: Array<[string, Buffer]> = [
    ['pointer loop', Buffer.concat([head(11, 1), Buffer.from([1, 0x61, 0xc0, 12, 0, 1, 0, 1])])],
    ['qdcount lies', Buffer.concat([head(12, 5), encodeName('web'), Buffer.from([0, 1, 0, 1])])],
    ['no question', head(13, 0)],
    ['two questions', Buffer.concat([head(14, 2), encodeName('web'), Buffer.from([0, 1, 0, 1]), encodeName('db'), Buffer.from([0, 1, 0, 1])])],
    ['truncated question', Buffer.concat([head(15, 1), encodeName('web')])],
  ]
  for (const [what, msg] of formErr) {
    const reply = await udp(msg)
    assert.ok(reply, what)
    const m = parseMessage(reply)
    assert.equal(m.header.rcode, Rcode.formErr, what)
    assert.equal(m.header.id, msg.readUInt16BE(0), what)
    assert.equal(m.header.qr, true, what)
  }
  const notQuery = parseMessage((await udp(Buffer.concat([head(16, 1, 0x1100), encodeName('web'), Buffer.from([0, 1, 0, 1])])))!)
  assert.equal(notQuery.header.rcode, Rcode.notImp, 'opcode STATUS')
  const response = buildResponse(parseQuery(buildQuery(17, 'web', Type.A)), {})
  assert.equal(await udp(response, { waitMs: 200 }), undefined, 'a response is not answered')
  const overTcp = await tcp([framed(formErr[0]![1]), framed(Buffer.from([1, 2, 3])), framed(buildQuery(18, 'web', Type.A))], 2)
  const tcpById = new Map(overTcp.map((r) => [parseMessage(r).header.id, parseMessage(r)]))
  assert.equal(tcpById.get(11)!.header.rcode, Rcode.formErr)
  assert.deepEqual(addresses(tcpById.get(18)!), ['172.18.0.2'])
  assert.deepEqual(forwarded, [])
  assert.deepEqual(addresses(await ask('web', Type.A)), ['172.18.0.2'])
})

test('a failing resolver yields SERVFAIL, not a crash', async () => {
  failLookup = true
  assert.equal((await ask('web', Type.A)).header.rcode, Rcode.servFail)
  failLookup = false
  assert.deepEqual(addresses(await ask('web', Type.A)), ['172.18.0.2'])
})

test('scoping: the resolver gets the client\'s address and the address it was queried on', async () => {
  upstreams = [UPSTREAM]
  const m = await ask('web', Type.A, { to: OTHER, port: otherPort, from: '127.0.0.5' })
  assert.deepEqual(addresses(m), ['10.4.0.2'])
  await ask('nothing-here', Type.A, { to: OTHER, port: otherPort, from: '127.0.0.5' })
  const [viaTcp] = await tcp([framed(buildQuery(1, 'web', Type.A))], 1, { to: OTHER, port: otherPort, from: '127.0.0.7' })
  assert.deepEqual(addresses(parseMessage(viaTcp!)), ['10.4.0.2'])
  assert.deepEqual(calls, [
    ['lookup', 'web', '127.0.0.5', OTHER],
    ['upstreams', '127.0.0.5', OTHER],
    ['lookup', 'nothing-here', '127.0.0.5', OTHER],
    ['upstreams', '127.0.0.5', OTHER],
    ['lookup', 'web', '127.0.0.7', OTHER],
    ['upstreams', '127.0.0.7', OTHER],
  ])
  assert.deepEqual(addresses(await ask('web', Type.A)), ['172.18.0.2'], 'the other address keeps its own view')
})

test('listen is idempotent per address; close stops only that address', async () => {
  await dns.listen(OTHER, 0)
  assert.equal(dns.port(OTHER), otherPort)
  assert.deepEqual(dns.addresses().sort(), [HOME, OTHER])
  await assert.rejects(dns.listen('example', 0), { kind: 'invalid' })
  await dns.close(OTHER)
  await dns.close(OTHER)
  assert.deepEqual(dns.addresses(), [HOME])
  assert.equal(dns.port(OTHER), undefined)
  assert.equal(await udp(buildQuery(1, 'web', Type.A), { to: OTHER, port: otherPort, waitMs: 200 }), undefined)
  assert.deepEqual(addresses(await ask('web', Type.A)), ['172.18.0.2'])
  await dns.listen(OTHER, 0)
  otherPort = dns.port(OTHER)!
  assert.deepEqual(addresses(await ask('web', Type.A, { to: OTHER, port: otherPort })), ['10.4.0.2'])
})
