// `docker history`: the config's history entries, newest first. Entries that made a layer take
// that layer's size, bottom up; only the newest entry carries the image ID and its tags,
// the others show `<missing>` as Docker does for images it did not build.
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

export function imageHistory(image: ImageRecord, layers: Array<LayerRecord | undefined>, tags: string[]): HistoryItem[] {
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
  if (items[0]) {
    items[0].id = image.id
    items[0].tags = tags
  }
  return items
}
