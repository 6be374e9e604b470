// `docker load`: an image archive (docker-archive or OCI layout, plain or gzip) is unpacked
// into a temporary directory under paths.tmp, read, and each image stored. Messages are the
// lines Docker prints: `Loaded image: fx-whiteouts:1` or `Loaded image ID: sha256:…`.
import { mkdir, mkdtemp, rm } from 'node:fs/promises'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { familiarOf } from '../../lib/reference.js'
import { unpack } from '../../storage/unpack.js'
import { readArchive } from './archive.js'
import { createImage } from './create.js'
import type { ImageDeps } from './deps.js'

export async function load(deps: ImageDeps, input: Readable, onMessage: (line: string) => void): Promise<string[]> {
  await mkdir(deps.paths.tmp, { recursive: true })
  const work = await mkdtemp(join(deps.paths.tmp, 'load-'))
  const ids: string[] = []
  try {
    const dir = join(work, 'archive')
    await mkdir(dir)
    await unpack(input, dir, {})
    for (const image of await readArchive(dir)) {
      const { record, moved } = await createImage(deps, image)
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
