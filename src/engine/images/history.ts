// `docker history`: the config's history entries, newest first. Entries that made a layer take
// that layer's size, bottom up. As moby does, the newest entry carries the image's ID and tags,
// the next ones those of its parent, grandparent… (images built here record their parent); past
// the end of that chain entries show `<missing>`, as for images built elsewhere.
import type { ImageRecord, LayerRecord } from '../../state/records.js'

export interface HistoryItem {
  id: string
  /** Unix seconds. */
  created: number
  createdBy: string
  tags: string[]
  size: number
  comment: string
}

/** An image of the parent chain, newest first: its ID and familiar tags. */
export interface Ancestor {
  id: string
  tags: string[]
}

/** The image and its parents while they exist locally (cycles cannot loop: each ID once). */
export function ancestry(image: ImageRecord, get: (id: string) => ImageRecord | undefined, tagsOf: (id: string) => string[]): Ancestor[] {
  const chain: Ancestor[] = []
  const seen = new Set<string>()
  for (let im: ImageRecord | undefined = image; im && !seen.has(im.id); im = im.parent ? get(im.parent) : undefined) {
    seen.add(im.id)
    chain.push({ id: im.id, tags: tagsOf(im.id) })
  }
  return chain
}

export function imageHistory(image: ImageRecord, layers: Array<LayerRecord | undefined>, chain: Ancestor[]): HistoryItem[] {
  const entries = image.config.history?.length
    ? image.config.history
    : image.diffIds.map(() => ({ created: image.created, created_by: '', comment: '', empty_layer: false }))
  let layer = 0
  const items: HistoryItem[] = entries.map((h) => {
    const size = h.empty_layer ? 0 : (layers[layer++]?.size ?? 0)
    return {
      id: '<missing>',
      created: Math.floor((Date.parse(h.created ?? '') || 0) / 1000),
      createdBy: h.created_by ?? '',
      tags: [],
      size,
      comment: h.comment ?? '',
    }
  })
  items.reverse()
  for (const [i, a] of chain.entries()) {
    if (!items[i]) break
    items[i].id = a.id
    items[i].tags = a.tags
  }
  return items
}
