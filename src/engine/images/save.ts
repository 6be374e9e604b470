// `docker save`: a docker-archive tar that `docker load` (and our load) accepts: one
// `<config hex>.json` per image, `<diff ID hex>/layer.tar` per layer (the uncompressed tar kept
// at unpack, so diff IDs and image IDs round-trip exactly), manifest.json and repositories.
// Refs are resolved before the stream starts, so a bad ref fails the call, not the stream.
import { PassThrough, type Readable } from 'node:stream'
import tar from 'tar-stream'
import { BerthError } from '../../lib/errors.js'
import { familiarName, familiarString, formatReference, nameOf, parseReference } from '../../lib/reference.js'
import type { ImageRecord } from '../../state/records.js'
import { hexOf } from '../../storage/digest.js'
import type { ImageDeps } from './deps.js'
import { resolveImage } from './resolve.js'

interface Planned {
  image: ImageRecord
  /** Full normalised tag refs to record. */
  tags: string[]
}

function plan(deps: ImageDeps, refs: string[]): Planned[] {
  const byId = new Map<string, Planned>()
  const add = (image: ImageRecord, tags: string[]) => {
    const p = byId.get(image.id) ?? { image, tags: [] }
    for (const t of tags) if (!p.tags.includes(t)) p.tags.push(t)
    byId.set(image.id, p)
  }
  for (const ref of refs) {
    let parsed
    try {
      parsed = parseReference(ref)
    } catch {
      parsed = undefined
    }
    if (parsed && parsed.tag === undefined && parsed.digest === undefined) {
      const repo = nameOf(parsed)
      const tagged = deps.images.allTags().filter((t) => nameOf(parseReference(t.ref)) === repo)
      if (tagged.length > 0) {
        for (const t of tagged) add(deps.images.get(t.imageId)!, [t.ref])
        continue
      }
    }
    const image = resolveImage(deps.images, ref)
    const tagRef = parsed && parsed.tag !== undefined && parsed.digest === undefined ? formatReference(parsed) : undefined
    add(image, tagRef && deps.images.tagged(tagRef) === image.id ? [tagRef] : [])
  }
  return [...byId.values()]
}

async function addFile(pack: tar.Pack, name: string, size: number, body: Readable): Promise<void> {
  let entry!: tar.Pack extends { entry(...a: never[]): infer S } ? S : never
  const done = new Promise<void>((resolve, reject) => {
    entry = pack.entry({ name, size, mode: 0o644, mtime: new Date(0) }, (e) => (e ? reject(e) : resolve()))
  })
  for await (const chunk of body) {
    if (!entry.write(chunk as Buffer)) await new Promise<void>((r) => entry.once('drain', () => r()))
  }
  entry.end(undefined as never)
  await done
}

async function write(deps: ImageDeps, planned: Planned[], pack: tar.Pack, onSaved: (id: string) => void): Promise<void> {
  const manifest: Array<{ Config: string; RepoTags: string[] | null; Layers: string[] }> = []
  const repositories: Record<string, Record<string, string>> = {}
  const written = new Set<string>()
  for (const { image, tags } of planned) {
    const configName = `${hexOf(image.id)}.json`
    const config = await deps.blobs.read(image.id)
    pack.entry({ name: configName, mode: 0o644, mtime: new Date(0) }, config)
    const layers: string[] = []
    for (const chainId of image.chainIds) {
      const layer = deps.layers.get(chainId)
      if (!layer?.blob) throw new BerthError('internal', `save ${image.id}: layer ${chainId} has no stored tar`)
      const dir = hexOf(layer.diffId)
      if (!written.has(dir)) {
        pack.entry({ name: `${dir}/`, type: 'directory', mode: 0o755, mtime: new Date(0) })
        await addFile(pack, `${dir}/layer.tar`, await deps.blobs.size(layer.blob.digest), deps.blobs.stream(layer.blob.digest))
        written.add(dir)
      }
      layers.push(`${dir}/layer.tar`)
    }
    const top = layers.length ? hexOf(image.diffIds[image.diffIds.length - 1]!) : hexOf(image.id)
    for (const t of tags) {
      const ref = parseReference(t)
      ;(repositories[familiarName(ref)] ??= {})[ref.tag!] = top
    }
    manifest.push({ Config: configName, RepoTags: tags.length ? tags.map((t) => familiarString(parseReference(t))) : null, Layers: layers })
    onSaved(image.id)
  }
  pack.entry({ name: 'manifest.json', mode: 0o644, mtime: new Date(0) }, JSON.stringify(manifest))
  pack.entry({ name: 'repositories', mode: 0o644, mtime: new Date(0) }, JSON.stringify(repositories))
  pack.finalize()
}

/** `onSaved` hears each image once its config and layers are in the stream (dockerd logs `save` then). */
export function saveImages(deps: ImageDeps, refs: string[], onSaved: (id: string) => void = () => undefined): Readable {
  const planned = plan(deps, refs)
  const pack = tar.pack()
  const out = new PassThrough()
  pack.pipe(out)
  write(deps, planned, pack, onSaved).catch((e) => out.destroy(e as Error))
  return out
}
