// Container records: one row per container, the record as JSON, the name unique.
import type { Db } from './db.js'
import type { ContainerRecord } from './records.js'

export class ContainerRepo {
  private readonly stmts

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO containers (id, name, record) VALUES (?, ?, ?)'),
      update: db.prepare('UPDATE containers SET name = ?, record = ? WHERE id = ?'),
      remove: db.prepare('DELETE FROM containers WHERE id = ?'),
      all: db.prepare('SELECT record FROM containers'),
    }
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE when the name is taken (the caller turns it into a conflict). */
  insert(r: ContainerRecord): void {
    this.stmts.insert.run(r.id, r.name, JSON.stringify(r))
  }

  update(r: ContainerRecord): void {
    this.stmts.update.run(r.name, JSON.stringify(r), r.id)
  }

  remove(id: string): void {
    this.stmts.remove.run(id)
  }

  all(): ContainerRecord[] {
    return (this.stmts.all.all() as Array<{ record: string }>).map((row) => JSON.parse(row.record) as ContainerRecord)
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}

export const isUniqueViolation = (e: unknown): boolean =>
  typeof e === 'object' && e !== null && (e as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE'
