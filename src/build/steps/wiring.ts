// What the builder gets from the engine: image verbs, container verbs, the image rows for cache
// probes, the tmp dir for writable layers. Built once per build by the route.
import { containerDirs } from '../../engine/containers/rootfs.js'
import type { Engine } from '../../engine/engine.js'
import { familiarOf } from '../../lib/reference.js'
import { ImageRepository } from '../../state/images.js'
import type { BuildDeps } from '../builder.js'

export function engineBuildDeps(engine: Engine): BuildDeps {
  const images = engine.images
  const rows = new ImageRepository(engine.db)
  return {
    images,
    imageRecords: () => rows.list(),
    containers: engine.containers,
    containerUpper: (id) => containerDirs(engine.paths, id).upper,
    tmpDir: engine.paths.tmp,
    resolveImage: (ref) => images.resolve(ref),
    // progress lines are queued in order; the build goes on once they are all written
    pull: async (ref, write) => {
      let written = Promise.resolve()
      await images.pull(ref, { onProgress: (m) => void (written = written.then(() => write(m))) })
      await written
    },
    tag: (id, ref) => images.tag(id, ref),
    familiar: (ref) => familiarOf(ref),
  }
}
