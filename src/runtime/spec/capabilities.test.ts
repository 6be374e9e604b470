import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { DEFAULT_CAPS, KNOWN_CAPS, capabilitiesFromMask, capabilityMask, resolveCapabilities } from './capabilities.js'

// This machine's bounding set: every capability but CAP_SYS_RESOURCE.
const HOST = KNOWN_CAPS.filter((c) => c !== 'CAP_SYS_RESOURCE')
const req = (capAdd: string[], capDrop: string[], privileged = false) => ({ capAdd, capDrop, privileged, boundingCaps: HOST })

test('default set is Docker’s 14 and its CapEff mask', () => {
  assert.deepEqual(resolveCapabilities(req([], [])), [...DEFAULT_CAPS])
  assert.equal(DEFAULT_CAPS.length, 14)
  assert.equal(capabilityMask(DEFAULT_CAPS).toString(16).padStart(16, '0'), '00000000a80425fb')
})

test('cap-add / cap-drop, in both spellings and any case', () => {
  const caps = resolveCapabilities(req(['net_admin', 'CAP_SYS_PTRACE'], ['MKNOD', 'cap_net_raw']))
  assert.ok(caps.includes('CAP_NET_ADMIN') && caps.includes('CAP_SYS_PTRACE'))
  assert.ok(!caps.includes('CAP_MKNOD') && !caps.includes('CAP_NET_RAW'))
  assert.equal(caps.length, 14)
})

test('adding a default capability does not duplicate it', () => {
  assert.deepEqual(resolveCapabilities(req(['CHOWN'], [])), [...DEFAULT_CAPS])
})

const cases: Array<[string, string[], string[], string[]]> = [
  ['drop ALL leaves only the adds', ['NET_BIND_SERVICE'], ['ALL'], ['CAP_NET_BIND_SERVICE']],
  ['drop ALL alone leaves nothing', [], ['all'], []],
  ['add ALL minus drops', ['ALL'], ['SYS_ADMIN'], HOST.filter((c) => c !== 'CAP_SYS_ADMIN')],
]
for (const [name, add, drop, want] of cases) {
  test(name, () => assert.deepEqual(resolveCapabilities(req(add, drop)), want))
}

test('privileged gets the daemon’s bounding set, not every known capability', () => {
  const caps = resolveCapabilities(req(['NET_ADMIN'], ['ALL'], true))
  assert.deepEqual(caps, HOST)
  assert.ok(!caps.includes('CAP_SYS_RESOURCE'))
})

test('unknown and unavailable capabilities are refused with Docker’s text', () => {
  assert.throws(() => resolveCapabilities(req(['FOO'], [])), (e: unknown) =>
    e instanceof BerthError && e.kind === 'invalid' && e.message === 'unknown capability: "CAP_FOO"')
  assert.throws(() => resolveCapabilities(req(['SYS_RESOURCE'], [])), (e: unknown) =>
    e instanceof BerthError && e.kind === 'invalid' &&
    e.message === 'capability not supported by your kernel or not available in the current environment: "CAP_SYS_RESOURCE"')
})

test('mask round trip', () => {
  assert.deepEqual(capabilitiesFromMask('000001fffeffffff'), HOST)
  assert.deepEqual(capabilitiesFromMask(capabilityMask(DEFAULT_CAPS).toString(16)).sort(), [...DEFAULT_CAPS].sort())
})
