// The image events Docker's classic image store logs (moby daemon/images, LogImageEvent), as
// values. Pure. An event's actor is the image ID, or for pull and push the reference as pulled or
// pushed; `name` is the new tag for `tag`, the repository for pull and push, else the ID again.
// The image's labels ride along while it exists (a `delete` comes after the image is gone, so it
// has none); `name` wins over a label of that name.
import { familiarName, familiarString, parseReference, type Reference } from '../../lib/reference.js'
import type { ImageRecord } from '../../state/records.js'
import type { EngineEvent } from '../events.js'
import type { DeleteItem } from './remove.js'

export type ImageAction = 'create' | 'tag' | 'untag' | 'delete' | 'pull' | 'push' | 'import' | 'load' | 'save'

export function imageEvent(action: ImageAction, id: string, name: string, image?: ImageRecord): EngineEvent {
  return { type: 'image', action, id, attributes: { ...image?.config.config?.Labels, name } }
}

/** An event whose actor is the image itself (create, untag, import, load, save). */
export const ownEvent = (action: ImageAction, image: ImageRecord): EngineEvent => imageEvent(action, image.id, image.id, image)

/** `tag`: `ref` is the full normalised reference the image now has. */
export const tagEvent = (image: ImageRecord, ref: string): EngineEvent => imageEvent('tag', image.id, familiarString(parseReference(ref)), image)

/** `pull` and `push`: the actor is the reference (`busybox:latest`), `name` its repository. */
export const transferEvent = (action: 'pull' | 'push', ref: Reference, image?: ImageRecord): EngineEvent =>
  imageEvent(action, familiarString(ref), familiarName(ref), image)

/** What an rmi or prune reported, read against the images as they were before it. */
export interface ImagesBefore {
  /** familiar reference (as DeleteItem.Untagged names it) → the image it named */
  byRef: ReadonlyMap<string, ImageRecord>
  byId: ReadonlyMap<string, ImageRecord>
}

/** `untag` for each reference removed, `delete` for each image deleted (layers are not images), in order. */
export function removalEvents(items: DeleteItem[], before: ImagesBefore): EngineEvent[] {
  const events: EngineEvent[] = []
  for (const item of items) {
    if ('Untagged' in item) {
      const image = before.byRef.get(item.Untagged)
      if (image) events.push(ownEvent('untag', image))
    } else if (before.byId.has(item.Deleted)) {
      events.push(imageEvent('delete', item.Deleted, item.Deleted))
    }
  }
  return events
}
