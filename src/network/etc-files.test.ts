import { test } from 'node:test'
import assert from 'node:assert/strict'
import { hostsFile, resolvConf } from './etc-files.js'

const HOST = 'nameserver 127.0.0.53\nnameserver 10.0.0.2\nsearch corp.example\noptions edns0\n'

test('private namespaces drop loopback resolvers and keep the rest', () => {
  assert.equal(resolvConf(HOST, { hostNetwork: false }), 'nameserver 10.0.0.2\nsearch corp.example\noptions edns0\n')
  assert.equal(resolvConf(HOST, { hostNetwork: true }), HOST)
})

test('--dns, --dns-search and --dns-option replace the host lines of their kind', () => {
  const out = resolvConf(HOST, { hostNetwork: false, dns: ['10.9.9.9'], search: ['a.test'], options: ['ndots:2'] })
  assert.equal(out, 'nameserver 10.9.9.9\nsearch a.test\noptions ndots:2\n')
  assert.equal(resolvConf(HOST, { hostNetwork: false, search: ['.'] }), 'nameserver 10.0.0.2\noptions edns0\n')
})

test('user-defined networks point at the embedded server with ndots:0', () => {
  const out = resolvConf(HOST, { hostNetwork: false, embedded: '172.18.0.1' })
  assert.match(out, /^nameserver 172\.18\.0\.1\nsearch corp\.example\noptions ndots:0 edns0\n/)
  assert.doesNotMatch(out, /nameserver 10\.0\.0\.2/)
})

test('hosts carries extra entries and the container\'s own addresses', () => {
  const out = hostsFile({ hostname: 'web', domainname: 'example', ips: ['172.17.0.2'], extra: ['10.1.1.1\tdb'] })
  assert.match(out, /10\.1\.1\.1\tdb\n172\.17\.0\.2\tweb\.example\tweb\n$/)
})
