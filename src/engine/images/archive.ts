// Reading an unpacked image archive: docker-archive (manifest.json + repositories + config and
// layer files, as `docker save` writes them, Docker 20.10 and the newer OCI-shaped layout) or an
// OCI image layout (oci-layout, index.json, blobs/). Every file is resolved inside the archive
// directory (symlinks included), every blob digest is checked; diff IDs are checked on unpack.
import { createReadStream } from 'node:fs'
import { readFile, realpath, stat } from 'node:fs/promises'
import { join, sep } from 'node:path'
import { pipeline } from 'node:stream/promises'
import { Writable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import { formatReference, normalizeReference } from '../../lib/reference.js'
import { DigestStream, hexOf, isDigest, sha256 } from '../../storage/digest.js'
import type { LayerSource } from './create.js'

/** A layer file of the archive; size is the file's, for load progress. */
export interface ArchiveLayer extends LayerSource {
  size: number
}

export interface ArchiveImage {
  configBytes: Buffer
  layers: ArchiveLayer[]
  /** Full normalised references. */
  tags: string[]
}

const bad = (msg: string) => new BerthError('invalid', `invalid image archive: ${msg}`)

/** Absolute path of `rel` inside `dir`, following symlinks but never out of `dir`. */
async function inside(dir: string, rel: string): Promise<string> {
  const root = await realpath(dir)
  const p = await realpath(join(root, rel)).catch(() => {
    throw bad(`${rel} not found`)
  })
  if (p !== root && !p.startsWith(root + sep)) throw bad(`${rel} points outside the archive`)
  return p
}

async function readJson<T>(dir: string, rel: string): Promise<{ bytes: Buffer; value: T }> {
  const bytes = await readFile(await inside(dir, rel))
  try {
    return { bytes, value: JSON.parse(bytes.toString('utf8')) as T }
  } catch (e) {
    throw bad(`${rel}: ${(e as Error).message}`)
  }
}

async function fileDigest(path: string): Promise<string> {
  const d = new DigestStream()
  await pipeline(createReadStream(path), d, new Writable({ write: (_c, _e, cb) => cb() }))
  return d.digest()
}

const exists = (p: string) => stat(p).then(() => true, () => false)

const fullRef = (s: string): string => formatReference(normalizeReference(s))

export async function readArchive(dir: string): Promise<ArchiveImage[]> {
  if (await exists(join(dir, 'manifest.json'))) return readDockerArchive(dir)
  if (await exists(join(dir, 'index.json'))) return readOciLayout(dir)
  throw bad('neither manifest.json nor index.json found')
}

interface DockerManifestEntry {
  Config: string
  RepoTags?: string[] | null
  Layers: string[]
}

async function readDockerArchive(dir: string): Promise<ArchiveImage[]> {
  const { value: manifest } = await readJson<DockerManifestEntry[]>(dir, 'manifest.json')
  if (!Array.isArray(manifest)) throw bad('manifest.json is not a list')
  const out: ArchiveImage[] = []
  for (const entry of manifest) {
    if (typeof entry?.Config !== 'string' || !Array.isArray(entry.Layers)) throw bad('manifest.json entry lacks Config or Layers')
    const configBytes = await readFile(await inside(dir, entry.Config))
    const named = /([0-9a-f]{64})(\.json)?$/.exec(entry.Config)
    if (named && sha256(configBytes) !== `sha256:${named[1]}`) throw bad(`${entry.Config}: digest mismatch`)
    const layers: ArchiveLayer[] = []
    for (const rel of entry.Layers) {
      const path = await inside(dir, rel)
      layers.push({ open: () => createReadStream(path), size: (await stat(path)).size })
    }
    out.push({ configBytes, layers, tags: (entry.RepoTags ?? []).map(fullRef) })
  }
  return out
}

interface Descriptor {
  mediaType?: string
  digest: string
  size?: number
  annotations?: Record<string, string>
  platform?: { os?: string; architecture?: string }
}

async function readBlob(dir: string, d: Descriptor): Promise<Buffer> {
  if (typeof d?.digest !== 'string' || !isDigest(d.digest)) throw bad(`bad descriptor digest ${JSON.stringify(d?.digest)}`)
  const bytes = await readFile(await inside(dir, `blobs/sha256/${hexOf(d.digest)}`))
  if (sha256(bytes) !== d.digest) throw bad(`blob ${d.digest}: digest mismatch`)
  if (d.size !== undefined && d.size !== bytes.length) throw bad(`blob ${d.digest}: size mismatch`)
  return bytes
}

const INDEX_TYPES = ['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']

/** The image name Docker gives a descriptor of index.json, if any. */
function nameOf(d: Descriptor): string | undefined {
  const name = d.annotations?.['io.containerd.image.name'] ?? d.annotations?.['org.opencontainers.image.ref.name']
  if (!name) return undefined
  try {
    return fullRef(name)
  } catch {
    return undefined // a bare tag such as "1" has no repository to attach to
  }
}

async function manifestOf(dir: string, d: Descriptor): Promise<{ layers: Descriptor[]; config: Descriptor }> {
  type Parsed = { mediaType?: string; manifests?: Descriptor[]; config?: Descriptor; layers?: Descriptor[] }
  let parsed: Parsed
  try {
    parsed = JSON.parse((await readBlob(dir, d)).toString('utf8')) as Parsed
  } catch (e) {
    if (e instanceof BerthError) throw e
    throw bad(`manifest ${d.digest}: ${(e as Error).message}`)
  }
  if (INDEX_TYPES.includes(d.mediaType ?? '') || Array.isArray(parsed.manifests)) {
    const list = parsed.manifests ?? []
    const pick = list.find((m) => m.platform?.os === 'linux' && m.platform?.architecture === 'amd64')
      ?? list.find((m) => !m.platform)
    if (!pick) throw bad(`index ${d.digest} has no linux/amd64 manifest`)
    return manifestOf(dir, pick)
  }
  if (!parsed.config || !Array.isArray(parsed.layers)) throw bad(`manifest ${d.digest} lacks config or layers`)
  return { config: parsed.config, layers: parsed.layers }
}

async function readOciLayout(dir: string): Promise<ArchiveImage[]> {
  const { value: index } = await readJson<{ manifests?: Descriptor[] }>(dir, 'index.json')
  if (!Array.isArray(index.manifests)) throw bad('index.json lacks manifests')
  const out: ArchiveImage[] = []
  for (const top of index.manifests) {
    const m = await manifestOf(dir, top)
    const configBytes = await readBlob(dir, m.config)
    const layers: ArchiveLayer[] = []
    for (const l of m.layers) {
      if (typeof l?.digest !== 'string' || !isDigest(l.digest)) throw bad(`bad layer digest ${JSON.stringify(l?.digest)}`)
      const path = await inside(dir, `blobs/sha256/${hexOf(l.digest)}`)
      if ((await fileDigest(path)) !== l.digest) throw bad(`blob ${l.digest}: digest mismatch`)
      layers.push({ open: () => createReadStream(path), size: (await stat(path)).size })
    }
    const name = nameOf(top)
    out.push({ configBytes, layers, tags: name ? [name] : [] })
  }
  return out
}
