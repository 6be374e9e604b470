// `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image with a
// config built from `--change` instructions; history says "Imported from -" unless a message
// is given, as Docker writes it.
import type { Readable } from 'node:stream'
import { formatReference, normalizeReference } from '../../lib/reference.js'
import { claimLayers, createImage, dropLayer, layerRecord } from './create.js'
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
  const made = await deps.layerStore.create(input, null)
  const held = claimLayers(deps, [made.chainId], [made.diffId])
  if (!deps.layers.get(made.chainId)) deps.layers.put(layerRecord(made, null))
  const created = new Date().toISOString()
  const comment = opts.message || 'Imported from -'
  const configBytes = Buffer.from(JSON.stringify({
    architecture: 'amd64',
    comment,
    config,
    created,
    history: [{ created, comment }],
    os: 'linux',
    rootfs: { type: 'layers', diff_ids: [made.diffId] },
  }))
  try {
    const { record } = await createImage(deps, { configBytes, layers: [{ open: () => input }], tags })
    return record.id
  } catch (e) {
    await dropLayer(deps, held, made.chainId, made.diffId)
    throw e
  } finally {
    held.release()
  }
}
