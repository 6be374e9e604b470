// The engine's view of networks: records in memory, written through to SQLite. Refs resolve as
// Docker resolves them: full ID, exact name, then unique ID prefix.
import { BerthError, notFound } from '../../lib/errors.js'
import { isUniqueViolation } from '../../state/containers.js'
import type { NetworkRepo } from '../../state/networks.js'
import type { NetworkRecord } from '../../state/records.js'

export class NetworkRegistry {
  private readonly byId = new Map<string, NetworkRecord>()

  constructor(readonly repo: NetworkRepo) {
    for (const n of repo.all()) this.byId.set(n.id, n)
  }

  all(): NetworkRecord[] {
    return [...this.byId.values()]
  }

  get(id: string): NetworkRecord | undefined {
    return this.byId.get(id)
  }

  find(ref: string): NetworkRecord | undefined {
    const exact = this.byId.get(ref)
    if (exact) return exact
    for (const n of this.byId.values()) if (n.name === ref) return n
    if (!/^[0-9a-f]+$/.test(ref)) return undefined
    const matches = [...this.byId.values()].filter((n) => n.id.startsWith(ref))
    if (matches.length > 1) throw new BerthError('invalid', `network ${ref} is ambiguous (${matches.length} matches found based on ID prefix)`)
    return matches[0]
  }

  resolve(ref: string): NetworkRecord {
    const n = this.find(ref)
    if (!n) throw notFound(`network ${ref} not found`)
    return n
  }

  insert(n: NetworkRecord): void {
    try {
      this.repo.insert(n)
    } catch (e) {
      if (isUniqueViolation(e)) throw new BerthError('conflict', `network with name ${n.name} already exists`)
      throw e
    }
    this.byId.set(n.id, n)
  }

  remove(id: string): void {
    this.repo.remove(id)
    this.byId.delete(id)
  }
}
