// Waiting for a container to exit or be removed (Docker's /wait conditions).
import { EventEmitter } from 'node:events'

export interface ExitInfo {
  code: number
  error?: string
}

export class ExitWaiters {
  private readonly emitter = new EventEmitter()

  constructor() {
    this.emitter.setMaxListeners(0)
  }

  nextExit(id: string): Promise<ExitInfo> {
    return new Promise((resolve) => this.emitter.once(`exit:${id}`, resolve))
  }

  removed(id: string): Promise<void> {
    return new Promise((resolve) => this.emitter.once(`removed:${id}`, () => resolve()))
  }

  exited(id: string, info: ExitInfo): void {
    this.emitter.emit(`exit:${id}`, info)
  }

  wasRemoved(id: string): void {
    this.emitter.emit(`removed:${id}`)
  }
}
