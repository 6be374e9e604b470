// Noticing container exits. conmon writes `<exitDir>/<id>` (the exit code as text) through a
// temp file and a rename when a container ends, so a `rename` event for a name that then
// parses as an integer is one exit. At start the dir is scanned too: exits that happened
// while berthd was down are reported the same way (the startup reconcile).
// Each id is reported once until the engine calls consume(id), which deletes the file.
import { watch, type FSWatcher } from 'node:fs'
import { mkdir, readdir, readFile, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { EventEmitter } from 'node:events'

/** conmon's temp files (g_file_set_contents) are `<name>.XXXXXX`; real ids never contain a dot. */
export const isExitFileName = (name: string) => name.length > 0 && !name.includes('.') && !name.startsWith('~')

/** The content of an exit file; undefined while it is still empty or garbage. */
export function parseExitFile(text: string): number | undefined {
  const t = text.trim()
  if (!/^-?\d+$/.test(t)) return undefined
  return Number.parseInt(t, 10)
}

export class ExitWatcher {
  private readonly events = new EventEmitter()
  private watcher: FSWatcher | undefined
  private readonly reported = new Set<string>()
  private readonly pending = new Set<string>()

  constructor(readonly exitDir: string) {}

  on(event: 'exit', cb: (id: string, code: number) => void): this {
    this.events.on(event, cb)
    return this
  }

  /** Watches first, then scans, so an exit between the two is not lost (check() dedups). */
  async start(): Promise<void> {
    if (this.watcher) return
    await mkdir(this.exitDir, { recursive: true })
    this.watcher = watch(this.exitDir, (_type, name) => {
      if (name) void this.check(name.toString())
    })
    this.watcher.on('error', () => {})
    const names = await readdir(this.exitDir)
    await Promise.all(names.map((n) => this.check(n)))
  }

  stop(): void {
    this.watcher?.close()
    this.watcher = undefined
  }

  /** Deletes the exit file; the id may be reported again after that (a restarted container). */
  async consume(id: string): Promise<void> {
    await rm(join(this.exitDir, id), { force: true })
    this.reported.delete(id)
  }

  private async check(name: string): Promise<void> {
    if (!isExitFileName(name) || this.reported.has(name) || this.pending.has(name)) return
    this.pending.add(name)
    try {
      let text: string
      try {
        text = await readFile(join(this.exitDir, name), 'utf8')
      } catch {
        return // deleted (consumed) or not there yet
      }
      const code = parseExitFile(text)
      if (code === undefined || this.reported.has(name)) return
      this.reported.add(name)
      this.events.emit('exit', name, code)
    } finally {
      this.pending.delete(name)
    }
  }
}
