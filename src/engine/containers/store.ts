// The engine's view of all containers: records indexed in memory, written through to SQLite.
// Refs (what the user typed) are resolved here, once, at the start of each engine method.
import { BerthError, conflict } from '../../lib/errors.js'
import { ContainerRepo, isUniqueViolation } from '../../state/containers.js'
import type { ContainerRecord } from '../../state/records.js'

export class ContainerStore {
  private readonly byId = new Map<string, ContainerRecord>()
  private readonly locks = new Map<string, Promise<unknown>>()

  constructor(private readonly repo: ContainerRepo) {
    for (const r of repo.all()) this.byId.set(r.id, r)
  }

  all(): ContainerRecord[] {
    return [...this.byId.values()]
  }

  get(id: string): ContainerRecord | undefined {
    return this.byId.get(id)
  }

  /** Full ID, exact name (with or without '/'), or unique ID prefix — Docker's order. */
  find(ref: string): ContainerRecord | undefined {
    const exact = this.byId.get(ref)
    if (exact) return exact
    const name = ref.startsWith('/') ? ref.slice(1) : ref
    for (const r of this.byId.values()) if (r.name === name) return r
    if (!/^[0-9a-f]+$/.test(ref)) return undefined
    const matches = [...this.byId.values()].filter((r) => r.id.startsWith(ref))
    if (matches.length > 1) throw new BerthError('invalid', `Multiple IDs found with provided prefix: ${ref}`)
    return matches[0]
  }

  resolve(ref: string): ContainerRecord {
    if (ref === '') throw new BerthError('not-found', 'No such container: ')
    const r = this.find(ref)
    if (!r) throw new BerthError('not-found', `No such container: ${ref}`)
    return r
  }

  nameTaken(name: string): ContainerRecord | undefined {
    for (const r of this.byId.values()) if (r.name === name) return r
    return undefined
  }

  insert(r: ContainerRecord): void {
    this.write(r, () => this.repo.insert(r))
  }

  save(r: ContainerRecord): void {
    this.write(r, () => this.repo.update(r))
  }

  /** The row first, then memory; a name taken meanwhile becomes Docker's conflict. */
  private write(r: ContainerRecord, op: () => void): void {
    try {
      op()
    } catch (e) {
      if (isUniqueViolation(e)) throw nameConflict(r.name, this.nameTaken(r.name)?.id ?? '')
      throw e
    }
    this.byId.set(r.id, r)
  }

  remove(id: string): void {
    this.repo.remove(id)
    this.byId.delete(id)
  }

  /** Serialises verbs on one container; different containers proceed concurrently. */
  async locked<T>(id: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(id) ?? Promise.resolve()
    const next = prev.then(fn, fn)
    const tail = next.catch(() => undefined)
    this.locks.set(id, tail)
    try {
      return await next
    } finally {
      if (this.locks.get(id) === tail) this.locks.delete(id)
    }
  }
}

export const nameConflict = (name: string, id: string) =>
  conflict(
    `Conflict. The container name "/${name}" is already in use by container "${id}". You have to remove (or rename) that container to be able to reuse that name.`,
  )
