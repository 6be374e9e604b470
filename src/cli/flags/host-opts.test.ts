import assert from 'node:assert/strict'
import { test } from 'node:test'
import { canonicalDnsServer, dnsSearchDomain, extraHost, localhostDnsWarning } from './host-opts.js'

test('--dns servers are sent in canonical form', () => {
  assert.equal(canonicalDnsServer(' 8.8.8.8 '), '8.8.8.8')
  assert.equal(canonicalDnsServer('0:0:0:0:0:0:0:1'), '::1')
  assert.throws(() => canonicalDnsServer('dns.example'), { message: 'IP address is not correctly formatted: dns.example' })
})

test('--dns-search domains', () => {
  assert.equal(dnsSearchDomain('example.com.'), 'example.com')
  assert.equal(dnsSearchDomain('.'), '.')
  assert.equal(dnsSearchDomain('a-b.c'), 'a-b.c')
  assert.throws(() => dnsSearchDomain('-x'), { message: '-x is not a valid domain' })
  assert.throws(() => dnsSearchDomain('123'), { message: '123 is not a valid domain' })
})

test('--add-host entries', () => {
  assert.equal(extraHost('h:1.2.3.4'), 'h:1.2.3.4')
  assert.equal(extraHost('h=1.2.3.4'), 'h:1.2.3.4')
  assert.equal(extraHost('h6=[::1]'), 'h6:::1')
  assert.equal(extraHost('h6:::1'), 'h6:::1')
  assert.equal(extraHost('gw:host-gateway'), 'gw:host-gateway')
  assert.throws(() => extraHost('bad'), { message: 'bad format for add-host: "bad"' })
  assert.throws(() => extraHost('h:nope'), { message: 'invalid IP address in add-host: "nope"' })
})

test('a loopback --dns server gets docker\'s warning', () => {
  assert.equal(localhostDnsWarning(['8.8.8.8', '127.0.0.53']), 'Localhost DNS (127.0.0.53) may fail in containers.')
  assert.equal(localhostDnsWarning(['::1']), 'Localhost DNS (::1) may fail in containers.')
  assert.equal(localhostDnsWarning(['8.8.8.8', '::2']), undefined)
})
