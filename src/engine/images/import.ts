// `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image with a
// config built from `--change` instructions; history says "Imported from -" unless a message
// is given, as Docker writes it. The layer is claimed (create.ts) from when its content is known,
// before the layer store takes it in: it may be a layer some image has, which a concurrent rmi or
// prune would otherwise remove while this call is about to stand on it.
import type { Readable } from 'node:stream'
import { BerthError } from '../../lib/errors.js'
import { formatReference, normalizeReference } from '../../lib/reference.js'
import type { CreatedLayer } from '../../storage/layer-store.js'
import { claimLayers, createImage, dropLayer, layerRecord, type Claim } from './create.js'
import type { ImageDeps } from './deps.js'
import { applyChanges, type ContainerConfig } from './change.js'

export interface ImportOptions {
  /** `repo[:tag]` to tag the image with. */
  ref?: string
  changes?: string[]
  message?: string
}

/** The config and tags an import will use; throws `invalid` before any byte is read. */
export function checkImport(opts: ImportOptions): { config: ContainerConfig; tags: string[] } {
  const config = applyChanges({}, opts.changes ?? [])
  return { config, tags: opts.ref ? [formatReference(normalizeReference(opts.ref))] : [] }
}

export async function importImage(deps: ImageDeps, input: Readable, opts: ImportOptions): Promise<string> {
  const { config, tags } = checkImport(opts)
  let held: Claim | undefined
  try {
    // a bottom layer: its chain ID is its diff ID
    const made = await deps.layerStore.create(input, null, undefined, (diffId) => void (held = claimLayers(deps, [diffId], [diffId])))
    return await importLayer(deps, made, held!, config, opts.message, tags)
  } finally {
    held?.release()
  }
}

/** The image of the imported layer `made`, which `held` claims. */
async function importLayer(deps: ImageDeps, made: CreatedLayer, held: Claim, config: ContainerConfig, message: string | undefined, tags: string[]): Promise<string> {
  if (!deps.layers.get(made.chainId)) deps.layers.put(layerRecord(made, null))
  const created = new Date().toISOString()
  const comment = message || 'Imported from -'
  const configBytes = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    comment,
    config,
    created,
    history: [{ created, comment }],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [made.diffId] },
  }))
  const present = () => {
    throw new BerthError('internal', 'import: the layer just stored is missing from the layer store')
  }
  try {
    const { record } = await createImage(deps, { configBytes, layers: [{ open: present }], tags })
    return record.id
  } catch (e) {
    await dropLayer(deps, held, made.chainId, made.diffId)
    throw e
  }
}
