import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parsePlatform, selectManifest } from './platform.js'
import type { Descriptor } from './media-types.js'

const d = (architecture: string, variant?: string, extra: Partial<Descriptor> = {}): Descriptor => ({
  mediaType: 'application/vnd.oci.image.manifest.v1+json',
  digest: `sha256:${(architecture + (variant ?? '')).padEnd(64, '0').replace(/[^0-9a-f]/g, 'a')}`,
  size: 1,
  platform: { os: 'linux', architecture, ...(variant ? { variant } : {}) },
  ...extra,
})

test('parsePlatform: os/arch/variant, aliases, normalised variants, bad input', () => {
  assert.deepEqual(parsePlatform('linux/amd64'), { os: 'linux', architecture: 'amd64' })
  assert.deepEqual(parsePlatform('linux/arm64/v8'), { os: 'linux', architecture: 'arm64' })
  assert.deepEqual(parsePlatform('linux/aarch64'), { os: 'linux', architecture: 'arm64' })
  assert.deepEqual(parsePlatform('linux/arm/v7'), { os: 'linux', architecture: 'arm', variant: 'v7' })
  assert.deepEqual(parsePlatform('Linux/x86_64'), { os: 'linux', architecture: 'amd64' })
  assert.throws(() => parsePlatform('linux/amd64/v1/x'), /unknown operating system or architecture/)
  assert.throws(() => parsePlatform('linux//amd64'), /unknown operating system or architecture/)
})

test('selectManifest: exact variant first, any variant when none wanted, attestations skipped, Docker error when nothing fits', () => {
  const list = [
    d('unknown', undefined, { annotations: { 'vnd.docker.reference.type': 'attestation-manifest' }, platform: { os: 'unknown', architecture: 'unknown' } }),
    d('arm', 'v6'),
    d('arm', 'v7'),
    d('arm64', 'v8'),
    d('amd64'),
  ]
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'amd64' }), list[4])
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm', variant: 'v7' }), list[2])
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm' }), list[1])
  assert.equal(selectManifest(list, { os: 'linux', architecture: 'arm64' }), list[3])
  assert.throws(() => selectManifest(list, { os: 'linux', architecture: 's390x' }), { message: 'no matching manifest for linux/s390x in the manifest list entries' })
  assert.throws(() => selectManifest(list, { os: 'windows', architecture: 'amd64' }), /no matching manifest for windows\/amd64/)
})
