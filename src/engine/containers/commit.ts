// `docker commit`: a container's writable layer becomes a new image on top of the container's
// image. A running container is frozen for the time the layer is packed (unless pause=false) and
// thawed after, also on failure; a container the user paused stays paused. The layer leaves out
// what runc and the mounts put there (commit-config.ts layerExclusion); diff uses the same rule.
import { lstatSync, readdirSync } from 'node:fs'
import { join } from 'node:path'
import { BerthError } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { familiarOf } from '../../lib/reference.js'
import type { ContainerRecord } from '../../state/records.js'
import type { CommitImageOptions } from '../images/commit.js'
import { commitConfig, commitCreatedBy, commitTag, layerExclusion, type LayerFacts } from './commit-config.js'
import type { ContainerDeps } from './deps.js'
import { containerDirs } from './rootfs.js'
import { setPaused } from './stop.js'

export interface CommitRequest {
  ref: string
  repo?: string
  tag?: string
  author?: string
  comment?: string
  /** Freeze a running container while its layer is read (Docker's default). */
  pause: boolean
  /** Dockerfile instructions applied to the new config (`--change`). */
  changes: string[]
  /** The request body: a Config whose fields win over the container's. */
  config?: Record<string, unknown>
}

/** What commit needs of the image service. */
export interface ImageCommitter {
  commit(opts: CommitImageOptions): Promise<{ id: string }>
}

/** The writable layer of `c` compared with its image's layers, read from the host. */
export function layerFacts(upper: string, lowerTopFirst: readonly string[]): LayerFacts {
  const stat = (p: string) => {
    try {
      return lstatSync(p)
    } catch {
      return undefined
    }
  }
  return {
    inImage(path) {
      const below = lowerTopFirst.map((d) => stat(join(d, path))).find((s) => s !== undefined)
      if (!below) return 'absent'
      const mine = stat(join(upper, path))
      if (!mine) return 'same'
      return mine.mode === below.mode && mine.uid === below.uid && mine.gid === below.gid ? 'same' : 'different'
    },
    upperChildren(path) {
      try {
        return readdirSync(join(upper, path))
      } catch {
        return []
      }
    },
  }
}

/** The exclusion for `c`'s writable layer (commit, diff; the builder passes it to ImageService.commit). */
export function containerLayerExclusion(deps: Pick<ContainerDeps, 'paths'>, c: ContainerRecord) {
  return layerExclusion(c, layerFacts(containerDirs(deps.paths, c.id).upper, c.lowerDirs))
}

export async function commitContainer(deps: ContainerDeps, images: ImageCommitter, req: CommitRequest): Promise<string> {
  const c = deps.store.resolve(req.ref)
  // Everything a user can get wrong is refused before the container is touched.
  const tag = commitTag(req.repo, req.tag)
  const config = commitConfig(req.config, req.changes, c.config)
  if (c.state.status === 'dead') throw new BerthError('conflict', `You cannot commit container ${c.id} which is Dead`)
  if (c.state.status === 'removing') throw new BerthError('conflict', `You cannot commit container ${c.id} which is being removed`)
  const freeze = req.pause && c.state.status === 'running'
  if (freeze) await setPaused(deps, c.id, true)
  let id: string
  try {
    ;({ id } = await images.commit({
      parentId: c.imageId,
      layerDir: containerDirs(deps.paths, c.id).upper,
      exclude: containerLayerExclusion(deps, c),
      config,
      containerConfig: c.config,
      container: c.id,
      history: { created_by: commitCreatedBy(c.config), comment: req.comment, author: req.author },
      author: req.author,
      tags: tag ? [tag] : [],
      stillValid: () => {
        // rm -f while the layer was read: the removal may have taken files from under the walk
        const now = deps.store.get(c.id)
        if (!now || now.state.status === 'removing' || now.state.status === 'dead') {
          throw new BerthError('conflict', `container ${c.id} was removed while it was being committed`)
        }
      },
    }))
  } finally {
    // the container may have exited or been removed meanwhile: that must not fail the commit
    if (freeze) await setPaused(deps, c.id, false).catch((e: unknown) => log.warn('unpausing a container after its commit failed', { id: c.id, error: String(e) }))
  }
  deps.events.emit({
    type: 'container',
    action: 'commit',
    id: c.id,
    attributes: { comment: req.comment ?? '', imageID: id, imageRef: tag ? familiarOf(tag) : '', image: c.config.Image, name: c.name, ...(c.config.Labels ?? {}) },
  })
  return id
}
