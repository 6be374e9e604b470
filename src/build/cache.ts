// The build cache, kept in the image store as the classic builder keeps it: every step's image
// records its parent and, in `container_config.Cmd`, the command that made it (for metadata
// steps `#(nop)` + the instruction, for COPY/ADD the content hash, for RUN the build args it saw
// and the command). A step is a hit when an image exists with the same parent, the same command
// and the same resulting `config`. Nothing else is stored, so pruning images prunes the cache.
import type { ContainerConfig } from '../engine/images/change.js'
import type { ImageRecord } from '../state/records.js'

/** JSON with object keys sorted, so equal configs compare equal whatever their key order. */
export function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => x !== undefined)
    return `{${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${JSON.stringify(k)}:${canonical(x)}`).join(',')}}`
  }
  return JSON.stringify(v)
}

export interface CacheKey {
  parentId: string | undefined
  /** The step's command as recorded in container_config.Cmd. */
  cmd: readonly string[]
  /** The config the step's image would get. */
  config: ContainerConfig
  author?: string
}

/** The newest image that `key` would produce again, or undefined. */
export function findCached(images: readonly ImageRecord[], key: CacheKey): ImageRecord | undefined {
  const cmd = canonical(key.cmd)
  const config = canonical(key.config)
  let best: ImageRecord | undefined
  for (const im of images) {
    if (im.parent !== key.parentId) continue
    // a scratch-based step has no parent: only images the builder made (with a container_config) qualify
    const cc = im.config.container_config as ContainerConfig | undefined
    if (!cc || canonical(cc.Cmd ?? null) !== cmd) continue
    if (canonical(im.config.config ?? {}) !== config) continue
    if ((im.config.author ?? undefined) !== key.author) continue
    if (!best || im.created > best.created) best = im
  }
  return best
}
