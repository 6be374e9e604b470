// Image disk usage as `docker system df` reports it (moby's image list with SharedSize and its
// LayerDiskUsage). Layers are shared by chain ID: a layer is shared when more than one image
// record, listed or not (an untagged build parent counts), has its chain ID. An image's shared
// size is the size of its shared layers; its unique size (the CLI's) is its size minus that.
// The layers' total counts each distinct layer of the listed images once. Sizes are the layer
// records' unpacked sizes, the same numbers an image's size is summed from.
import type { ImageRepository } from '../../state/images.js'
import type { LayerRepository } from '../../state/layers.js'
import type { ImageRecord, LayerRecord } from '../../state/records.js'
import { listImages, type ImageSummary } from './list.js'

export interface LayerUsage {
  /** Image ID → bytes of its layers that at least one other image also has. */
  sharedSize: Map<string, number>
  /** Bytes of the distinct layers the listed images use. */
  layersSize: number
}

/** One pass over every image's chain IDs and one over the layer records; no lookups per image. */
export function measureLayers(listed: readonly ImageRecord[], all: readonly ImageRecord[], layers: readonly LayerRecord[]): LayerUsage {
  const size = new Map(layers.map((l) => [l.chainId, l.size]))
  const refs = new Map<string, number>()
  // an image is counted once per chain ID even if listed twice in `all`
  for (const im of new Map(all.map((i) => [i.id, i])).values()) for (const c of im.chainIds) refs.set(c, (refs.get(c) ?? 0) + 1)
  const sharedSize = new Map<string, number>()
  const used = new Set<string>()
  for (const im of listed) {
    let shared = 0
    for (const c of im.chainIds) {
      used.add(c)
      if ((refs.get(c) ?? 0) > 1) shared += size.get(c) ?? 0
    }
    sharedSize.set(im.id, shared)
  }
  let layersSize = 0
  for (const c of used) layersSize += size.get(c) ?? 0
  return { sharedSize, layersSize }
}

export interface ImageDiskUsage {
  /** The images `docker images` lists (untagged parents left out), newest first. */
  images: Array<ImageSummary & { sharedSize: number }>
  layersSize: number
}

export function imageDiskUsage(images: ImageRepository, layers: LayerRepository): ImageDiskUsage {
  const listed = listImages(images)
  const usage = measureLayers(listed.map((s) => s.record), images.list(), layers.list())
  return { images: listed.map((s) => ({ ...s, sharedSize: usage.sharedSize.get(s.record.id) ?? 0 })), layersSize: usage.layersSize }
}
