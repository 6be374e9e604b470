// `docker load`: an image archive (docker-archive or OCI layout, plain or gzip) is unpacked
// into a temporary directory under paths.tmp, read, and each image stored. Messages are the
// lines Docker prints: `Loaded image: fx-whiteouts:1` or `Loaded image ID: sha256:…`.
// Unless the client asked for quiet, each layer that is not stored yet reports its file's bytes
// as "Loading layer" progress under the first 12 hex digits of its diff ID, as dockerd does;
// layers already present are skipped silently.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { pipeline, type Readable } from 'node:stream'
import { countProgress } from '../../lib/progress.js'
import { familiarOf } from '../../lib/reference.js'
import { unpack } from '../../storage/unpack.js'
import { readArchive, type ArchiveImage } from './archive.js'
import { createImage, parseConfig, type LayerSource } from './create.js'
import type { ImageDeps } from './deps.js'

/** Reports a progress line (api/json-stream's ProgressWriter.progress fits); resolves to whether it was sent. */
export type ReportProgress = (status: string, id: string, current: number, total?: number, isFinal?: boolean) => Promise<boolean>

export async function load(deps: ImageDeps, input: Readable, onMessage: (line: string) => void, progress?: ReportProgress): Promise<string[]> {
  await mkdir(deps.paths.tmp, { recursive: true })
  const work = await mkdtemp(join(deps.paths.tmp, 'load-'))
  const ids: string[] = []
  try {
    const dir = join(work, 'archive')
    await mkdir(dir)
    await unpack(input, dir, {})
    for (const image of await readArchive(dir)) {
      const layers = progress ? withProgress(image, progress) : image.layers
      const { record, moved } = await createImage(deps, { ...image, layers })
      for (const m of moved) {
        onMessage(`The image ${familiarOf(m.ref)} already exists, renaming the old one with ID ${m.from} to empty string`)
      }
      if (image.tags.length === 0) onMessage(`Loaded image ID: ${record.id}`)
      for (const t of image.tags) onMessage(`Loaded image: ${familiarOf(t)}`)
      ids.push(record.id)
    }
    return ids
  } finally {
    await rm(work, { recursive: true, force: true })
  }
}

/** The image's layer sources, each counting its bytes as "Loading layer" progress when opened. */
function withProgress(image: ArchiveImage, progress: ReportProgress): LayerSource[] {
  const diffIds = parseConfig(image.configBytes).rootfs.diff_ids
  return image.layers.map((layer, i) => ({
    open: () => {
      const id = (diffIds[i] ?? '').replace(/^sha256:/, '').slice(0, 12)
      const counter = countProgress(layer.size, (current, isFinal) => progress('Loading layer', id, current, layer.size, isFinal))
      // pipeline: a read error destroys the counter too, so the layer store sees it
      return pipeline(layer.open(), counter, () => {})
    },
  }))
}
