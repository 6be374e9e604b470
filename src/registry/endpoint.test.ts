import { test } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { checkInsecureRegistry, endpointsFor, isInsecure, registryHost } from './endpoint.js'

const policy = (insecureRegistries: string[] = [], certsDir = '/nonexistent') => ({ insecureRegistries, certsDir })

test('isInsecure: 127/8 and localhost always, listed hosts and CIDRs, everything else secure', () => {
  assert.equal(isInsecure('127.0.0.1:5000', policy()), true)
  assert.equal(isInsecure('127.9.9.9', policy()), true)
  assert.equal(isInsecure('localhost:5000', policy()), true)
  assert.equal(isInsecure('registry-1.docker.io', policy()), false)
  assert.equal(isInsecure('198.51.100.7:443', policy()), false)
  assert.equal(isInsecure('198.51.100.7:443', policy(['198.51.100.0/24'])), true)
  assert.equal(isInsecure('reg.example:5000', policy(['reg.example:5000'])), true)
  assert.equal(isInsecure('reg.example:5001', policy(['reg.example:5000'])), false)
  assert.equal(isInsecure('reg.example:5001', policy(['reg.example'])), true)
  assert.equal(registryHost('docker.io'), 'registry-1.docker.io')
  assert.throws(() => checkInsecureRegistry('http://x:5000'), /should not contain '::\/\/'|should not contain '\:\/\/'/)
  assert.throws(() => checkInsecureRegistry('10.0.0.0/33'), /not a valid CIDR/)
  assert.equal(checkInsecureRegistry('10.0.0.0/8'), '10.0.0.0/8')
})

test('endpointsFor: https only when secure, https then http when insecure; certs dir material per host', async () => {
  const dir = mkdtempSync('/tmp/berth-certs-unit-')
  try {
    mkdirSync(join(dir, 'reg.example:5000'))
    writeFileSync(join(dir, 'reg.example:5000', 'ca.crt'), 'CA')
    writeFileSync(join(dir, 'reg.example:5000', 'client.cert'), 'CERT')
    writeFileSync(join(dir, 'reg.example:5000', 'client.key'), 'KEY')
    const secure = await endpointsFor('reg.example:5000', policy([], dir))
    assert.deepEqual(secure.map((e) => e.origin), ['https://reg.example:5000'])
    assert.equal(secure[0]!.tls?.verify, true)
    assert.deepEqual(secure[0]!.tls?.ca?.map(String), ['CA'])
    assert.equal(String(secure[0]!.tls?.cert), 'CERT')
    const local = await endpointsFor('127.0.0.1:5000', policy([], dir))
    assert.deepEqual(local.map((e) => e.origin), ['https://127.0.0.1:5000', 'http://127.0.0.1:5000'])
    assert.equal(local[0]!.tls?.verify, false)
    mkdirSync(join(dir, 'half:1'))
    writeFileSync(join(dir, 'half:1', 'client.cert'), 'CERT')
    await assert.rejects(endpointsFor('half:1', policy([], dir)), /missing key client.key/)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})
