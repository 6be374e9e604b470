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

  /**
   * The container is gone: removal waiters are told, and so are exit waiters still waiting (a
   * container removed without running again never exits), with its last exit code, as dockerd's
   * SetRemoved wakes both.
   */
  wasRemoved(id: string, lastExitCode: number): void {
    this.emitter.emit(`exit:${id}`, { code: lastExitCode })
    this.emitter.emit(`removed:${id}`)
  }
}
