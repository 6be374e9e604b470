// The volume service: Docker's local volume driver. It owns each volume's directory
// <root>/<name>/_data, its row, and, for a volume with a `device` option, the mount on _data.
// Invariants: the directory exists before the row and goes after it; a device volume is mounted
// at most once (the first prepare) and unmounted when it is removed, at daemon close when no
// running container uses it, and by the startup reconcile when its row is gone.
import { join } from 'node:path'
import { randomBytes } from 'node:crypto'
import { conflict, notFound, within } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import type { VolumeRepo } from '../../state/volumes.js'
import type { EngineEvent } from '../events.js'
import { checkDriver, checkOptions, checkVolumeName, volumeMount } from './options.js'
import type { VolumeHost } from './host.js'
import type { VolumeCreateRequest, VolumeHooks, VolumeRecord } from './types.js'

export interface VolumeServiceDeps {
  repo: VolumeRepo<VolumeRecord>
  /** <data-root>/volumes */
  root: string
  host: VolumeHost
  /** IDs of the containers (running or not) whose record mounts the volume */
  usersOf: (name: string) => string[]
  /** Docker's volume events: create, destroy */
  emit?: (e: EngineEvent) => void
  now?: () => Date
}

const isTaken = (e: unknown) => /^SQLITE_CONSTRAINT_(PRIMARYKEY|UNIQUE)$/.test(String((e as { code?: unknown })?.code))
const rfc3339 = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z')

export class VolumeService implements VolumeHooks {
  private readonly mounted = new Set<string>()

  constructor(private readonly deps: VolumeServiceDeps) {}

  /** <root>/<name>/_data: what a container mounts, and Docker's `Mountpoint`. */
  mountpoint(name: string): string {
    return join(this.deps.root, name, '_data')
  }

  /** Startup reconcile: mounts and directories without a row go; device volumes still mounted are known. */
  async init(): Promise<void> {
    const { host, root, repo } = this.deps
    await host.makeDir(root, 0o701)
    const rows = new Map(repo.all().map((v) => [v.name, v]))
    // the volumes root itself may be a mount (a disk of its own): it stays
    for (const point of (await host.mountsUnder(root)).filter((p) => p !== root)) {
      const name = point.slice(root.length + 1).replace(/\/_data$/, '')
      if (point === this.mountpoint(name) && volumeMount(rows.get(name)?.options ?? {}, point)) this.mounted.add(name)
      else this.release(point)
    }
    const left = (await host.mountsUnder(root)).filter((p) => p !== root)
    for (const dir of await host.listDir(root)) {
      if (rows.has(dir)) continue
      const path = join(root, dir)
      // rm -r must never cross a mount that would not go: it could be a bind of host data
      if (left.some((p) => p === path || p.startsWith(`${path}/`))) log.error('orphan volume directory kept: still mounted', { path })
      else await host.removeTree(path)
    }
    for (const name of rows.keys()) await host.makeDir(this.mountpoint(name), 0o755)
  }

  async create(req: VolumeCreateRequest, opts: { anonymous?: boolean } = {}): Promise<VolumeRecord> {
    const name = req.Name || randomBytes(32).toString('hex')
    checkVolumeName(name)
    checkDriver(name, req.Driver)
    const existing = this.get(name)
    if (existing) return existing
    const options = req.DriverOpts ?? {}
    checkOptions(name, options)
    const record: VolumeRecord = {
      name, driver: 'local', created: rfc3339(this.deps.now?.() ?? new Date()),
      // Docker marks a volume created without a name as anonymous, whoever asks
      labels: req.Labels ?? {}, options, anonymous: !!opts.anonymous || !req.Name,
    }
    await this.deps.host.makeDir(this.mountpoint(name), 0o755)
    try {
      this.deps.repo.insert(record)
    } catch (e) {
      // a concurrent create of the same name won: its directory is this one, so it stays
      if (isTaken(e)) return this.get(name)!
      await this.deps.host.removeTree(join(this.deps.root, name))
      throw within(`create ${name}`, e)
    }
    this.deps.emit?.({ type: 'volume', action: 'create', id: name, attributes: { driver: record.driver } })
    return record
  }

  get(name: string): VolumeRecord | undefined {
    return this.deps.repo.get(name)
  }

  inspect(name: string): VolumeRecord {
    const v = this.get(name)
    if (!v) throw notFound(`get ${name}: no such volume`)
    return v
  }

  list(): VolumeRecord[] {
    return this.deps.repo.all()
  }

  isInUse(name: string): boolean {
    return this.deps.usersOf(name).length > 0
  }

  async prepare(name: string): Promise<string> {
    const v = this.inspect(name)
    const dir = this.mountpoint(name)
    await this.deps.host.makeDir(dir, 0o755)
    const spec = volumeMount(v.options, dir)
    // no await between the check and the add: two prepares never both mount
    if (spec && !this.mounted.has(name)) {
      try {
        this.deps.host.mount(spec)
      } catch (e) {
        throw within(`error while mounting volume '${dir}': failed to mount local volume`, e)
      }
      this.mounted.add(name)
    }
    return dir
  }

  /** `force` ignores a missing volume; a volume in use is refused either way, as Docker does. */
  async remove(name: string, force = false): Promise<void> {
    const v = this.get(name)
    if (!v) {
      if (force) return
      throw notFound(`get ${name}: no such volume`)
    }
    const users = this.deps.usersOf(name)
    if (users.length) throw conflict(`remove ${name}: volume is in use - [${users.join(' ')}]`)
    // every mount below the volume goes first, tracked or not: rm -r must never reach a bind source
    try {
      for (const point of await this.deps.host.mountsUnder(join(this.deps.root, name))) this.deps.host.unmount(point)
    } catch (e) {
      throw within(`remove ${name}`, e)
    }
    this.mounted.delete(name)
    this.deps.repo.remove(name)
    await this.deps.host.removeTree(join(this.deps.root, name))
    this.deps.emit?.({ type: 'volume', action: 'destroy', id: name, attributes: { driver: v.driver } })
  }

  async removeAnonymous(names: readonly string[]): Promise<void> {
    for (const name of names) {
      const v = this.get(name)
      if (!v?.anonymous || this.isInUse(name)) continue
      await this.remove(name).catch((e: unknown) => log.error('removing anonymous volume failed', { name, error: String(e) }))
    }
  }

  /** Removes the volumes `select` picks that no container uses; returns their names and the bytes freed. */
  async prune(select: (v: VolumeRecord) => boolean): Promise<{ removed: string[]; reclaimed: number }> {
    const removed: string[] = []
    let reclaimed = 0
    for (const v of this.list()) {
      if (!select(v) || this.isInUse(v.name)) continue
      const size = await this.size(v.name)
      try {
        await this.remove(v.name)
      } catch (e) {
        log.error('pruning volume failed', { name: v.name, error: String(e) })
        continue
      }
      removed.push(v.name)
      reclaimed += size
    }
    return { removed, reclaimed }
  }

  /** Bytes under _data (`system df`, prune's reclaimed space). */
  size(name: string): Promise<number> {
    return this.deps.host.size(this.mountpoint(name))
  }

  /** Daemon shutdown: device volumes no running container needs are unmounted. */
  close(isNeeded: (name: string) => boolean): void {
    for (const name of [...this.mounted]) {
      if (isNeeded(name)) continue
      this.release(this.mountpoint(name))
      this.mounted.delete(name)
    }
  }

  private release(point: string): void {
    try {
      this.deps.host.unmount(point)
    } catch (e) {
      log.error('unmounting volume failed', { point, error: String(e) })
    }
  }
}
