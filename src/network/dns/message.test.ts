import assert from 'node:assert/strict'
import { test } from 'node:test'
import {
  buildQuery, buildResponse, DnsFormatError, encodeName, normalizeName, parseMessage, parseQuery, Rcode,
  readHeader, reverseAddress, reverseAddress6, TTL, Type, UDP_MAX_SIZE, withId, type Query,
} from './message.js'

const header = (id: number, qdcount: number, flags = 0x0100) => {
  const b = Buffer.alloc(12)
  b.writeUInt16BE(id, 0)
  b.writeUInt16BE(flags, 2)
  b.writeUInt16BE(qdcount, 4)
  return b
}
const typeClass = (type: number, cls = 1) => Buffer.from([type >> 8, type & 0xff, cls >> 8, cls & 0xff])

test('a query round-trips through buildQuery and parseQuery', () => {
  const q = parseQuery(buildQuery(0xbeef, 'Web.MyNet.', Type.AAAA))
  assert.equal(q.header.id, 0xbeef)
  assert.equal(q.header.qr, false)
  assert.equal(q.header.rd, true)
  assert.equal(q.header.opcode, 0)
  assert.deepEqual(q.questions, [{ name: 'Web.MyNet', type: Type.AAAA, class: 1 }])
  assert.equal(parseQuery(buildQuery(1, 'x', Type.A, { rd: false })).header.rd, false)
})

test('a later question may point back into an earlier one', () => {
  const msg = Buffer.concat([
    header(7, 2), encodeName('db.example'), typeClass(Type.A),
    Buffer.from([3, ...Buffer.from('www'), 0xc0, 12 + 3]), typeClass(Type.PTR),
  ])
  assert.deepEqual(parseQuery(msg).questions, [
    { name: 'db.example', type: Type.A, class: 1 },
    { name: 'www.example', type: Type.PTR, class: 1 },
  ])
})

test('malformed messages throw DnsFormatError, with the header when it was readable', () => {
  const cases: Array<[string, Buffer, boolean]> = [
    ['empty', Buffer.alloc(0), false],
    ['short header', Buffer.from([1, 2, 3, 4, 5]), false],
    ['pointer to itself', Buffer.concat([header(1, 1), Buffer.from([0xc0, 12]), typeClass(1)]), true],
    ['pointer back to the start of its own name', Buffer.concat([header(1, 1), Buffer.from([1, 0x61, 0xc0, 12]), typeClass(1)]), true],
    ['pointer into the header', Buffer.concat([header(1, 1), Buffer.from([0xc0, 4]), typeClass(1)]), true],
    ['pointer forward', Buffer.concat([header(1, 1), Buffer.from([0xc0, 14, 1, 0x61, 0]), typeClass(1)]), true],
    ['two pointers chasing each other', Buffer.concat([
      header(1, 2), Buffer.from([1, 0x61, 0xc0, 18]), typeClass(1), Buffer.from([0xc0, 12]), typeClass(1)]), true],
    ['label past the end', Buffer.concat([header(1, 1), Buffer.from([9, 0x61, 0x62])]), true],
    ['name without its end', Buffer.concat([header(1, 1), Buffer.from([1, 0x61])]), true],
    ['question without type and class', Buffer.concat([header(1, 1), encodeName('a'), Buffer.from([0, 1])]), true],
    ['qdcount larger than the questions', Buffer.concat([header(1, 3), encodeName('a'), typeClass(1)]), true],
    ['extended label type', Buffer.concat([header(1, 1), Buffer.from([0x41, 0]), typeClass(1)]), true],
    ['name over 255 bytes', Buffer.concat([header(1, 1), ...Array(5).fill(Buffer.from([63, ...Buffer.alloc(63, 0x61)])), Buffer.from([0]), typeClass(1)]), true],
  ]
  for (const [what, msg, hasHeader] of cases) {
    assert.throws(() => parseQuery(msg), (e: unknown) => {
      assert.ok(e instanceof DnsFormatError, what)
      assert.equal(e.kind, 'invalid')
      assert.equal(e.header?.id, hasHeader ? 1 : undefined, what)
      return true
    }, what)
  }
})

test('label bytes that are not plain text survive as escapes', () => {
  const msg = Buffer.concat([header(1, 1), Buffer.from([3, 0x61, 0x2e, 0x00, 2, 0x5c, 0x20, 0]), typeClass(1)])
  const [q] = parseQuery(msg).questions
  assert.equal(q!.name, 'a\\.\\000.\\\\\\032')
  assert.deepEqual(encodeName(q!.name), msg.subarray(12, 12 + 8))
})

test('encodeName: trailing dot, root, bad names', () => {
  assert.deepEqual(encodeName('a.b.'), encodeName('a.b'))
  assert.deepEqual(encodeName('a.b'), Buffer.from([1, 0x61, 1, 0x62, 0]))
  assert.deepEqual(encodeName(''), Buffer.from([0]))
  assert.deepEqual(encodeName('.'), Buffer.from([0]))
  for (const bad of ['a..b', '.a', 'a..', 'x'.repeat(64), `${'x'.repeat(63)}.`.repeat(4) + 'x', 'caf\u00e9', 'a\\']) {
    assert.throws(() => encodeName(bad), { name: 'BerthError' }, bad)
  }
})

test('normalizeName folds ASCII case and drops the trailing dot', () => {
  assert.equal(normalizeName('WeB.MyNet.'), 'web.mynet')
  assert.equal(normalizeName('web'), 'web')
  assert.equal(normalizeName(''), '')
})

test('reverseAddress reads in-addr.arpa names only', () => {
  assert.equal(reverseAddress('4.3.2.1.in-addr.arpa'), '1.2.3.4')
  assert.equal(reverseAddress('10.0.18.172.IN-ADDR.ARPA.'), '172.18.0.10')
  for (const n of ['3.2.1.in-addr.arpa', '256.3.2.1.in-addr.arpa', '04.3.2.1.in-addr.arpa', '4.3.2.1.ip6.arpa', 'web']) {
    assert.equal(reverseAddress(n), undefined, n)
  }
})

test('reverseAddress6 reads ip6.arpa names of 32 nibbles only', () => {
  assert.equal(reverseAddress6('b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa'), '2001:db8::567:89ab')
  assert.equal(reverseAddress6('2.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.D.F.IP6.ARPA.'), 'fd00:1::2')
  for (const n of ['1.0.0.2.ip6.arpa', 'g.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.0.0.d.f.ip6.arpa', '4.3.2.1.in-addr.arpa', 'web'])
    assert.equal(reverseAddress6(n), undefined, n)
})

const query = (name: string, type: number, id = 0x1234, rd = true): Query => parseQuery(buildQuery(id, name, type, { rd }))

test('an A answer: our records, authoritative, question echoed in the client\'s case', () => {
  const msg = parseMessage(buildResponse(query('Web.MyNet', Type.A), {
    answers: [{ type: 'A', address: '172.18.0.2' }, { type: 'A', address: '172.18.0.3' }],
    authoritative: true, recursionAvailable: true,
  }))
  assert.deepEqual(
    { ...msg.header },
    { id: 0x1234, qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, rcode: 0, qdcount: 1, ancount: 2, nscount: 0, arcount: 0 },
  )
  assert.deepEqual(msg.questions, [{ name: 'Web.MyNet', type: Type.A, class: 1 }])
  assert.deepEqual(msg.answers, [
    { name: 'Web.MyNet', type: Type.A, class: 1, ttl: TTL, data: '172.18.0.2' },
    { name: 'Web.MyNet', type: Type.A, class: 1, ttl: 600, data: '172.18.0.3' },
  ])
})

test('an AAAA answer carries 16 bytes, read back in canonical form', () => {
  const raw = buildResponse(query('web', Type.AAAA), { answers: [{ type: 'AAAA', address: 'FD00:1:0:0::2' }], authoritative: true })
  const msg = parseMessage(raw)
  assert.deepEqual(msg.answers, [{ name: 'web', type: Type.AAAA, class: 1, ttl: TTL, data: 'fd00:1::2' }])
  assert.deepEqual([...raw.subarray(-16)], [0xfd, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2])
  assert.equal(raw.readUInt16BE(raw.length - 18), 16, 'rdlength')
})

test('a PTR answer carries the name', () => {
  const msg = parseMessage(buildResponse(query('2.0.18.172.in-addr.arpa', Type.PTR, 9, false), {
    answers: [{ type: 'PTR', name: 'web.mynet.' }], authoritative: true,
  }))
  assert.equal(msg.header.rd, false)
  assert.equal(msg.header.ra, false)
  assert.deepEqual(msg.answers, [{ name: '2.0.18.172.in-addr.arpa', type: Type.PTR, class: 1, ttl: 600, data: 'web.mynet' }])
})

test('empty answers and error codes keep the question and never claim authority by default', () => {
  for (const rcode of ['noError', 'nxDomain', 'servFail', 'refused'] as const) {
    const msg = parseMessage(buildResponse(query('db', Type.AAAA), { rcode }))
    assert.equal(msg.header.rcode, Rcode[rcode], rcode)
    assert.equal(msg.header.aa, false)
    assert.equal(msg.header.qr, true)
    assert.deepEqual(msg.questions, [{ name: 'db', type: Type.AAAA, class: 1 }])
    assert.deepEqual(msg.answers, [])
  }
})

test('FORMERR for an unreadable question has no question section', () => {
  const bad = Buffer.concat([header(77, 1), Buffer.from([0xc0, 12])])
  const msg = buildResponse({ header: readHeader(bad), questions: [] }, { rcode: 'formErr' })
  assert.equal(msg.length, 12)
  assert.deepEqual(readHeader(msg), {
    id: 77, qr: true, opcode: 0, aa: false, tc: false, rd: true, ra: false, rcode: 1,
    qdcount: 0, ancount: 0, nscount: 0, arcount: 0,
  })
  assert.throws(() => buildResponse({ header: readHeader(bad), questions: [] }, { answers: [{ type: 'A', address: '1.2.3.4' }] }))
})

test('answers beyond maxSize are dropped and TC is set', () => {
  const answers = Array.from({ length: 40 }, (_, i) => ({ type: 'A' as const, address: `10.0.0.${i}` }))
  const raw = buildResponse(query('many', Type.A), { answers, maxSize: UDP_MAX_SIZE })
  assert.ok(raw.length <= UDP_MAX_SIZE)
  const msg = parseMessage(raw)
  assert.equal(msg.header.tc, true)
  assert.equal(msg.answers.length, Math.floor((UDP_MAX_SIZE - 12 - (6 + 4)) / 16))
  assert.equal(parseMessage(buildResponse(query('many', Type.A), { answers })).answers.length, 40)
})

test('a bad address from the resolver is an error, not a corrupt record', () => {
  assert.throws(() => buildResponse(query('x', Type.A), { answers: [{ type: 'A', address: 'fd00::1' }] }), /not an IPv4 address/)
  assert.throws(() => buildResponse(query('x', Type.AAAA), { answers: [{ type: 'AAAA', address: '10.0.0.1' }] }), /not an IPv6 address/)
})

test('withId changes only the ID, on a copy', () => {
  const q = buildQuery(1, 'a', Type.A)
  const r = withId(q, 0xabcd)
  assert.equal(readHeader(r).id, 0xabcd)
  assert.equal(readHeader(q).id, 1)
  assert.deepEqual(r.subarray(2), q.subarray(2))
})
