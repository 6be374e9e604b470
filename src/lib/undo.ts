// Undo stack for multi-step operations: each step that creates a resource pushes its release;
// on failure the releases run in reverse order. Release errors are collected, never thrown over
// the original failure.

export class UndoStack {
  private steps: Array<() => unknown> = []

  push(step: () => unknown): void {
    this.steps.push(step)
  }

  /** The operation succeeded: keep everything. */
  discard(): void {
    this.steps = []
  }

  async run(): Promise<unknown[]> {
    const errors: unknown[] = []
    while (this.steps.length > 0) {
      const step = this.steps.pop()!
      try {
        await step()
      } catch (e) {
        errors.push(e)
      }
    }
    return errors
  }
}
