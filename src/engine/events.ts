// Engine events (Docker's /events): create, start, die, destroy, … Subscribers get every event
// after they subscribe; the last few hundred are kept for `since`.
import { EventEmitter } from 'node:events'

export interface EngineEvent {
  type: 'container' | 'image' | 'volume' | 'network' | 'daemon'
  action: string
  id: string
  attributes: Record<string, string>
  /** unix nanoseconds, filled by emit */
  timeNano?: bigint
}

export class EventBus {
  private readonly emitter = new EventEmitter()
  private readonly recent: EngineEvent[] = []

  constructor() {
    this.emitter.setMaxListeners(0)
  }

  emit(e: EngineEvent): void {
    const full = { ...e, timeNano: process.hrtime.bigint() - HRTIME_OFFSET }
    this.recent.push(full)
    if (this.recent.length > 256) this.recent.shift()
    this.emitter.emit('event', full)
  }

  since(timeNano: bigint): EngineEvent[] {
    return this.recent.filter((e) => (e.timeNano ?? 0n) >= timeNano)
  }

  subscribe(cb: (e: EngineEvent) => void): () => void {
    this.emitter.on('event', cb)
    return () => this.emitter.off('event', cb)
  }
}

// hrtime is monotonic; anchor it to the wall clock once so events carry unix times.
const HRTIME_OFFSET = process.hrtime.bigint() - BigInt(Date.now()) * 1_000_000n
