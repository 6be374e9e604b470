// The DNS wire format (RFC 1035), as much as the embedded server needs: read a query (header and
// questions), read a whole message's answers (for tests and callers that check replies), and
// build the responses the server sends. Pure: no sockets, no clock.
//
// Names are in presentation form without the trailing dot ('web.mynet'; the root is ''); a label
// byte that cannot be written plainly is escaped as \. \\ or \DDD, so a name survives a round trip
// byte for byte. Parsing never trusts a count or a pointer: every read is bounds-checked, and a
// compression pointer must point before the name it continues, so a cycle cannot loop.
import { isIPv4 } from 'node:net'
import { BerthError } from '../../lib/errors.js'
import { formatIp6, isIpv6, parseIp6 } from '../ipv6.js'

export const HEADER_SIZE = 12
/** Largest UDP answer a client without EDNS accepts; larger answers are truncated (TC). */
export const UDP_MAX_SIZE = 512
/** TTL of the records we own; Docker's embedded DNS uses 600 too. */
export const TTL = 600

export const Type = { A: 1, NS: 2, CNAME: 5, SOA: 6, PTR: 12, MX: 15, TXT: 16, AAAA: 28, ANY: 255 } as const
export const Class = { IN: 1, ANY: 255 } as const
export const Rcode = { noError: 0, formErr: 1, servFail: 2, nxDomain: 3, notImp: 4, refused: 5 } as const
export type RcodeName = keyof typeof Rcode
export const OPCODE_QUERY = 0

/** A message we cannot read. `header` is set when at least the header was readable. */
export class DnsFormatError extends BerthError {
  constructor(message: string, readonly header?: Header) {
    super('invalid', `malformed DNS message: ${message}`)
    this.name = 'DnsFormatError'
  }
}

export interface Header {
  id: number
  qr: boolean
  opcode: number
  aa: boolean
  tc: boolean
  rd: boolean
  ra: boolean
  rcode: number
  qdcount: number
  ancount: number
  nscount: number
  arcount: number
}

export interface Question { name: string; type: number; class: number }

export interface Query { header: Header; questions: Question[] }

/** `data` is the dotted address for A, the canonical text for AAAA, the name for PTR/CNAME/NS, else the raw rdata. */
export interface ResourceRecord { name: string; type: number; class: number; ttl: number; data: string | Uint8Array }

export interface Message extends Query { answers: ResourceRecord[] }

export type Answer = { type: 'A'; address: string } | { type: 'AAAA'; address: string } | { type: 'PTR'; name: string }

export function readHeader(msg: Uint8Array): Header {
  if (msg.length < HEADER_SIZE) throw new DnsFormatError(`${msg.length} bytes, shorter than a header`)
  const u16 = (at: number) => (msg[at]! << 8) | msg[at + 1]!
  const flags = u16(2)
  return {
    id: u16(0),
    qr: (flags & 0x8000) !== 0,
    opcode: (flags >> 11) & 0xf,
    aa: (flags & 0x0400) !== 0,
    tc: (flags & 0x0200) !== 0,
    rd: (flags & 0x0100) !== 0,
    ra: (flags & 0x0080) !== 0,
    rcode: flags & 0xf,
    qdcount: u16(4),
    ancount: u16(6),
    nscount: u16(8),
    arcount: u16(10),
  }
}

/** Header and questions. Later sections (an EDNS OPT record, say) are not read. */
export function parseQuery(msg: Uint8Array): Query {
  return readQuestions(msg, readHeader(msg)).query
}

/** Header, questions and the answer section. */
export function parseMessage(msg: Uint8Array): Message {
  const { query, next } = readQuestions(msg, readHeader(msg))
  const answers: ResourceRecord[] = []
  let at = next
  for (let i = 0; i < query.header.ancount; i++) {
    const name = readName(msg, at, query.header)
    at = name.next
    need(msg, at, 10, query.header)
    const view = Buffer.from(msg.buffer, msg.byteOffset, msg.length)
    const type = view.readUInt16BE(at)
    const rdlength = view.readUInt16BE(at + 8)
    need(msg, at + 10, rdlength, query.header)
    const rdata = msg.subarray(at + 10, at + 10 + rdlength)
    const data = type === Type.A && rdlength === 4 ? Array.from(rdata).join('.')
      : type === Type.AAAA && rdlength === 16 ? formatIp6(Buffer.from(rdata).readBigUInt64BE(0) << 64n | Buffer.from(rdata).readBigUInt64BE(8))
      : type === Type.PTR || type === Type.CNAME || type === Type.NS ? readName(msg, at + 10, query.header).name
        : Uint8Array.from(rdata)
    answers.push({ name: name.name, type, class: view.readUInt16BE(at + 2), ttl: view.readUInt32BE(at + 4), data })
    at += 10 + rdlength
  }
  return { ...query, answers }
}

function readQuestions(msg: Uint8Array, header: Header): { query: Query; next: number } {
  const questions: Question[] = []
  let at = HEADER_SIZE
  for (let i = 0; i < header.qdcount; i++) {
    const name = readName(msg, at, header)
    need(msg, name.next, 4, header)
    const u16 = (p: number) => (msg[p]! << 8) | msg[p + 1]!
    questions.push({ name: name.name, type: u16(name.next), class: u16(name.next + 2) })
    at = name.next + 4
  }
  return { query: { header, questions }, next: at }
}

function need(msg: Uint8Array, at: number, n: number, header: Header) {
  if (at + n > msg.length) throw new DnsFormatError(`truncated at byte ${at}`, header)
}

const MAX_NAME = 255

/** Reads the name at `start`; `next` is where the record continues after it. */
function readName(msg: Uint8Array, start: number, header: Header): { name: string; next: number } {
  const labels: string[] = []
  let at = start
  let next = -1
  // Pointers must go strictly backwards from where the current run of labels began, so every jump
  // lowers `limit`; that bounds the walk even for a crafted cycle.
  let limit = start
  let wire = 1
  for (;;) {
    need(msg, at, 1, header)
    const len = msg[at]!
    if (len === 0) break
    if ((len & 0xc0) === 0xc0) {
      need(msg, at, 2, header)
      const target = ((len & 0x3f) << 8) | msg[at + 1]!
      if (target >= limit) throw new DnsFormatError(`compression pointer at byte ${at} does not point backwards`, header)
      if (target < HEADER_SIZE) throw new DnsFormatError(`compression pointer at byte ${at} points into the header`, header)
      if (next < 0) next = at + 2
      limit = target
      at = target
      continue
    }
    if (len & 0xc0) throw new DnsFormatError(`unsupported label type at byte ${at}`, header)
    need(msg, at + 1, len, header)
    wire += len + 1
    if (wire > MAX_NAME) throw new DnsFormatError(`name at byte ${start} longer than ${MAX_NAME} bytes`, header)
    labels.push(escapeLabel(msg.subarray(at + 1, at + 1 + len)))
    at += 1 + len
  }
  return { name: labels.join('.'), next: next < 0 ? at + 1 : next }
}

function escapeLabel(bytes: Uint8Array): string {
  let s = ''
  for (const b of bytes) {
    if (b === 0x2e || b === 0x5c) s += '\\' + String.fromCharCode(b)
    else if (b > 0x20 && b < 0x7f) s += String.fromCharCode(b)
    else s += '\\' + String(b).padStart(3, '0')
  }
  return s
}

/** The lookup key of a name: ASCII lower case (RFC 4343), no trailing dot. */
export function normalizeName(name: string): string {
  const lower = name.toLowerCase()
  return lower.endsWith('.') && !lower.endsWith('\\.') ? lower.slice(0, -1) : lower
}

/** '4.3.2.1.in-addr.arpa' → '1.2.3.4'; undefined for any other name. */
export function reverseAddress(name: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(normalizeName(name))
  if (!m) return undefined
  const ip = [m[4], m[3], m[2], m[1]].map(Number).join('.')
  return isIPv4(ip) && ip === [m[4], m[3], m[2], m[1]].join('.') ? ip : undefined
}

/** The 32 nibbles of an `ip6.arpa` name (least significant first) → the address; undefined for any other name. */
export function reverseAddress6(name: string): string | undefined {
  const m = /^((?:[0-9a-f]\.){32})ip6\.arpa$/.exec(normalizeName(name))
  if (!m) return undefined
  const hex = m[1]!.split('.').slice(0, 32).reverse().join('')
  return formatIp6(BigInt(`0x${hex}`))
}

/** Wire form of a presentation name; a trailing dot is optional. */
export function encodeName(name: string): Buffer {
  const out: number[] = []
  let label: number[] = []
  const end = () => {
    if (label.length === 0 || label.length > 63) throw new BerthError('invalid', `DNS name ${JSON.stringify(name)}: labels must be 1 to 63 bytes`)
    out.push(label.length, ...label)
    label = []
  }
  for (let i = 0; i < name.length; i++) {
    const c = name.charCodeAt(i)
    if (c === 0x5c) {
      const ddd = /^\d{3}/.exec(name.slice(i + 1))
      const byte = ddd ? Number(ddd[0]) : name.charCodeAt(i + 1)
      if (!(byte <= 0x7e || (ddd && byte < 256))) throw new BerthError('invalid', `DNS name ${JSON.stringify(name)}: bad escape`)
      label.push(byte)
      i += ddd ? 3 : 1
    } else if (c === 0x2e) {
      // A final dot only marks the name as absolute; '.' alone is the root.
      if (i === name.length - 1 && (label.length > 0 || out.length === 0)) break
      end()
    } else {
      if (c > 0x7e) throw new BerthError('invalid', `DNS name ${JSON.stringify(name)}: not ASCII`)
      label.push(c)
    }
  }
  if (label.length) end()
  out.push(0)
  if (out.length > MAX_NAME) throw new BerthError('invalid', `DNS name ${JSON.stringify(name)}: longer than ${MAX_NAME} bytes`)
  return Buffer.from(out)
}

function writeHeader(h: Header): Buffer {
  const b = Buffer.alloc(HEADER_SIZE)
  const flags = (h.qr ? 0x8000 : 0) | ((h.opcode & 0xf) << 11) | (h.aa ? 0x0400 : 0) | (h.tc ? 0x0200 : 0)
    | (h.rd ? 0x0100 : 0) | (h.ra ? 0x0080 : 0) | (h.rcode & 0xf)
  b.writeUInt16BE(h.id, 0)
  b.writeUInt16BE(flags, 2)
  b.writeUInt16BE(h.qdcount, 4)
  b.writeUInt16BE(h.ancount, 6)
  b.writeUInt16BE(h.nscount, 8)
  b.writeUInt16BE(h.arcount, 10)
  return b
}

function writeQuestion(q: Question): Buffer {
  const tail = Buffer.alloc(4)
  tail.writeUInt16BE(q.type, 0)
  tail.writeUInt16BE(q.class, 2)
  return Buffer.concat([encodeName(q.name), tail])
}

/** A query with one question, as a stub resolver sends it. */
export function buildQuery(id: number, name: string, type: number, opts: { rd?: boolean } = {}): Buffer {
  const header: Header = {
    id, qr: false, opcode: OPCODE_QUERY, aa: false, tc: false, rd: opts.rd ?? true, ra: false, rcode: 0,
    qdcount: 1, ancount: 0, nscount: 0, arcount: 0,
  }
  return Buffer.concat([writeHeader(header), writeQuestion({ name, type, class: Class.IN })])
}

// Every answer is about the first question, so its owner is a pointer to that name at offset 12:
// shorter, and it keeps the client's letter case (which 0x20-randomizing resolvers check).
const OWNER = Buffer.from([0xc0, HEADER_SIZE])

function writeAnswer(a: Answer): Buffer {
  let rdata: Buffer
  if (a.type === 'A') {
    if (!isIPv4(a.address)) throw new BerthError('invalid', `DNS A record: ${JSON.stringify(a.address)} is not an IPv4 address`)
    rdata = Buffer.from(a.address.split('.').map(Number))
  } else if (a.type === 'AAAA') {
    if (!isIpv6(a.address)) throw new BerthError('invalid', `DNS AAAA record: ${JSON.stringify(a.address)} is not an IPv6 address`)
    const ip = parseIp6(a.address)
    rdata = Buffer.alloc(16)
    rdata.writeBigUInt64BE(ip >> 64n, 0)
    rdata.writeBigUInt64BE(ip & 0xffffffffffffffffn, 8)
  } else {
    rdata = encodeName(a.name)
  }
  const fixed = Buffer.alloc(10)
  fixed.writeUInt16BE(Type[a.type], 0)
  fixed.writeUInt16BE(Class.IN, 2)
  fixed.writeUInt32BE(TTL, 4)
  fixed.writeUInt16BE(rdata.length, 8)
  return Buffer.concat([OWNER, fixed, rdata])
}

export interface ResponseOptions {
  rcode?: RcodeName
  answers?: readonly Answer[]
  /** Set for names we own (AA); never for errors or relayed answers. */
  authoritative?: boolean
  recursionAvailable?: boolean
  /** Answers that do not fit are left out and TC is set, so the client retries over TCP. */
  maxSize?: number
}

/**
 * The response to `query`: same ID, opcode and RD, the questions echoed. Pass no questions for
 * a query whose question section could not be read (FORMERR).
 */
export function buildResponse(query: Query, opts: ResponseOptions = {}): Buffer {
  const answers = opts.answers ?? []
  if (answers.length && query.questions.length === 0) throw new BerthError('invalid', 'DNS answers need a question to refer to')
  const questions = query.questions.map(writeQuestion)
  const records = answers.map(writeAnswer)
  const max = opts.maxSize ?? Infinity
  let size = HEADER_SIZE + questions.reduce((n, q) => n + q.length, 0)
  let fit = 0
  while (fit < records.length && size + records[fit]!.length <= max) size += records[fit++]!.length
  const header = writeHeader({
    id: query.header.id, qr: true, opcode: query.header.opcode, aa: opts.authoritative ?? false,
    tc: fit < records.length, rd: query.header.rd, ra: opts.recursionAvailable ?? false,
    rcode: Rcode[opts.rcode ?? 'noError'], qdcount: questions.length, ancount: fit, nscount: 0, arcount: 0,
  })
  return Buffer.concat([header, ...questions, ...records.slice(0, fit)])
}

/** A copy of `msg` carrying another ID (a relayed answer gets the client's ID back). */
export function withId(msg: Uint8Array, id: number): Buffer {
  const copy = Buffer.from(msg)
  copy.writeUInt16BE(id & 0xffff, 0)
  return copy
}
