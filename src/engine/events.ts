// Engine events (Docker's /events): create, start, die, destroy, pull, tag, … Subscribers get
// every event after they subscribe; the last 256 are kept (Docker's eventsLimit) for `since`
// and `until`. Times are unix nanoseconds, strictly increasing, within a millisecond of the wall
// clock (clients compare them with their own clock).
//
// A type may have a describer: Docker puts the same attributes on every event of a container
// (its labels, image and name), so the bus adds what the record says over what the emitter
// passed; an object already gone (a container's destroy) keeps the emitter's attributes.
import { EventEmitter } from 'node:events'

export type EventType = 'container' | 'image' | 'volume' | 'network' | 'daemon'

export interface EngineEvent {
  type: EventType
  action: string
  /** Docker's Actor.ID: a container's or image's ID, a volume's name, a pulled reference… */
  id: string
  attributes: Record<string, string>
  /** unix nanoseconds, filled by emit */
  timeNano?: bigint
}

/** Attributes every event about object `id` carries; undefined when the object is gone. */
export type Describer = (id: string) => Record<string, string> | undefined

export const EVENTS_KEPT = 256

export class EventBus {
  private readonly emitter = new EventEmitter()
  private readonly recent: EngineEvent[] = []
  private readonly describers = new Map<EventType, Describer>()
  private last = 0n

  constructor() {
    this.emitter.setMaxListeners(0)
  }

  /** Wiring: `fn` describes objects of `type` (one describer per type). */
  describe(type: EventType, fn: Describer): void {
    this.describers.set(type, fn)
  }

  emit(e: EngineEvent): void {
    const described = this.describers.get(e.type)?.(e.id)
    const full = { ...e, attributes: { ...e.attributes, ...described }, timeNano: this.now() }
    this.recent.push(full)
    if (this.recent.length > EVENTS_KEPT) this.recent.shift()
    this.emitter.emit('event', full)
  }

  /**
   * Kept events from `sinceNano` to `untilNano` (both inclusive; unbounded when undefined), oldest
   * first. Called in the same tick as subscribe, no event falls between the two.
   */
  between(sinceNano: bigint | undefined, untilNano: bigint | undefined): EngineEvent[] {
    return this.recent.filter((e) => (sinceNano === undefined || e.timeNano! >= sinceNano) && (untilNano === undefined || e.timeNano! <= untilNano))
  }

  subscribe(cb: (e: EngineEvent) => void): () => void {
    this.emitter.on('event', cb)
    return () => this.emitter.off('event', cb)
  }

  /** The wall clock in nanoseconds (sub-millisecond digits from hrtime), never going back. */
  private now(): bigint {
    const t = BigInt(Date.now()) * 1_000_000n + (process.hrtime.bigint() % 1_000_000n)
    this.last = t > this.last ? t : this.last + 1n
    return this.last
  }
}
