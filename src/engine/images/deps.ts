// What the image service's verbs share: the repositories and the two content stores.
import type { Paths } from '../../lib/paths.js'
import type { ImageRepository } from '../../state/images.js'
import type { LayerRepository } from '../../state/layers.js'
import type { BlobStore } from '../../storage/blobs.js'
import type { LayerStore } from '../../storage/layer-store.js'

export interface ImageDeps {
  paths: Paths
  images: ImageRepository
  layers: LayerRepository
  blobs: BlobStore
  layerStore: LayerStore
}
