import { test } from 'node:test'
import assert from 'node:assert/strict'
import { layerCompression, parseManifest } from './media-types.js'

const digest = 'sha256:' + 'a'.repeat(64)

test('parseManifest: index and manifest by mediaType or shape; schema 1 refused with Docker words; bad shapes invalid', () => {
  const idx = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [{ mediaType: 'x', digest, size: 3 }] })), 'application/json')
  assert.equal(idx.kind, 'index')
  const m = parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { mediaType: 'c', digest, size: 1 }, layers: [] })), 'application/vnd.oci.image.manifest.v1+json')
  assert.equal(m.kind, 'manifest')
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 1, fsLayers: [] })), 'application/vnd.docker.distribution.manifest.v1+prettyjws'),
    /Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed\. Suggest the author of the image to upgrade/)
  assert.throws(() => parseManifest(Buffer.from('{'), 'x'), /invalid manifest/)
  assert.throws(() => parseManifest(Buffer.from(JSON.stringify({ schemaVersion: 2, config: { digest: 'md5:x', size: 1 }, layers: [] })), 'x'), /bad config or layers/)
  assert.equal(layerCompression('application/vnd.oci.image.layer.v1.tar+zstd'), 'zstd')
  assert.equal(layerCompression('application/vnd.docker.image.rootfs.diff.tar.gzip'), 'gzip')
  assert.equal(layerCompression('application/vnd.oci.image.layer.v1.tar'), 'none')
  assert.equal(layerCompression('application/x-unknown'), undefined)
})
