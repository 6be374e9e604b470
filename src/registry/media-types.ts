// Manifest and index media types of the OCI image spec and Docker's distribution formats, the
// JSON shapes berth reads and writes, and parsing that checks what pull relies on.
import { BerthError } from '../lib/errors.js'

export const OCI_INDEX = 'application/vnd.oci.image.index.v1+json'
export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json'
export const OCI_CONFIG = 'application/vnd.oci.image.config.v1+json'
export const OCI_LAYER = 'application/vnd.oci.image.layer.v1.tar'
export const OCI_LAYER_GZIP = 'application/vnd.oci.image.layer.v1.tar+gzip'
export const OCI_LAYER_ZSTD = 'application/vnd.oci.image.layer.v1.tar+zstd'
export const DOCKER_LIST = 'application/vnd.docker.distribution.manifest.list.v2+json'
export const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json'
export const DOCKER_CONFIG = 'application/vnd.docker.container.image.v1+json'
export const DOCKER_LAYER_GZIP = 'application/vnd.docker.image.rootfs.diff.tar.gzip'
export const DOCKER_FOREIGN_LAYER = 'application/vnd.docker.image.rootfs.foreign.diff.tar.gzip'
export const DOCKER_SCHEMA1 = 'application/vnd.docker.distribution.manifest.v1+json'
export const DOCKER_SCHEMA1_SIGNED = 'application/vnd.docker.distribution.manifest.v1+prettyjws'

/** What pull asks for, most wanted first (Docker's list, OCI included). */
export const MANIFEST_ACCEPT = [OCI_INDEX, DOCKER_LIST, OCI_MANIFEST, DOCKER_MANIFEST]

export const isIndexType = (t: string): boolean => t === OCI_INDEX || t === DOCKER_LIST
export const isManifestType = (t: string): boolean => t === OCI_MANIFEST || t === DOCKER_MANIFEST

export interface Platform {
  os: string
  architecture: string
  variant?: string
  'os.version'?: string
  'os.features'?: string[]
}

export interface Descriptor {
  mediaType: string
  digest: string
  size: number
  urls?: string[]
  annotations?: Record<string, string>
  platform?: Platform
}

export interface ImageManifest {
  schemaVersion: 2
  mediaType?: string
  config: Descriptor
  layers: Descriptor[]
  annotations?: Record<string, string>
}

export interface ImageIndex {
  schemaVersion: 2
  mediaType?: string
  manifests: Descriptor[]
  annotations?: Record<string, string>
}

export type ParsedManifest = { kind: 'index'; index: ImageIndex } | { kind: 'manifest'; manifest: ImageManifest }

const isDescriptor = (d: unknown): d is Descriptor => {
  const x = d as Descriptor
  return typeof x?.digest === 'string' && /^sha256:[0-9a-f]{64}$/.test(x.digest) && typeof x.size === 'number' && x.size >= 0
}

/**
 * Reads a manifest or index. `contentType` is the registry's Content-Type; the document's own
 * mediaType wins when present (some registries answer with a generic type). Schema 1 is refused
 * with Docker's words, naming `name` (the familiar reference).
 */
export function parseManifest(bytes: Buffer, contentType: string, name = 'the image'): ParsedManifest {
  let doc: { schemaVersion?: number; mediaType?: string; manifests?: unknown; config?: unknown; layers?: unknown }
  try {
    doc = JSON.parse(bytes.toString('utf8'))
  } catch (e) {
    throw new BerthError('invalid', `invalid manifest: ${(e as Error).message}`)
  }
  const type = doc.mediaType ?? contentType.split(';')[0]!.trim()
  if (doc.schemaVersion === 1 || type === DOCKER_SCHEMA1 || type === DOCKER_SCHEMA1_SIGNED) {
    throw new BerthError('invalid', `Docker Image Format v1 and Docker Image manifest version 2, schema 1 support has been removed. Suggest the author of ${name} to upgrade the image to the OCI Format or Docker Image manifest v2, schema 2. More information at https://docs.docker.com/go/deprecated-image-specs/`)
  }
  if (isIndexType(type) || Array.isArray(doc.manifests)) {
    if (!Array.isArray(doc.manifests) || !doc.manifests.every(isDescriptor)) throw new BerthError('invalid', 'invalid image index: bad manifests list')
    return { kind: 'index', index: doc as ImageIndex }
  }
  if (!isDescriptor(doc.config) || !Array.isArray(doc.layers) || !doc.layers.every(isDescriptor)) {
    throw new BerthError('invalid', `invalid manifest of type ${type || 'unknown'}: bad config or layers`)
  }
  return { kind: 'manifest', manifest: doc as ImageManifest }
}

/** Layer compression as its media type says; undefined for a type berth does not pull. */
export function layerCompression(mediaType: string): 'gzip' | 'zstd' | 'none' | undefined {
  switch (mediaType) {
    case OCI_LAYER_GZIP:
    case DOCKER_LAYER_GZIP:
    case DOCKER_FOREIGN_LAYER:
      return 'gzip'
    case OCI_LAYER_ZSTD:
      return 'zstd'
    case OCI_LAYER:
    case 'application/vnd.oci.image.layer.nondistributable.v1.tar':
      return 'none'
    default:
      return undefined
  }
}
