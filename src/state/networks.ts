// Networks and their endpoints (the IP leases of running containers). One row each, the record
// as JSON; an address is unique within a network (UNIQUE(network_id, ip), and (network_id, ip6)
// for IPv6 leases).
import type { Db } from './db.js'
import type { EndpointRecord, NetworkRecord } from './records.js'

export class NetworkRepo {
  private readonly stmts

  constructor(private readonly db: Db) {
    this.stmts = {
      insert: db.prepare('INSERT INTO networks (id, name, record) VALUES (?, ?, ?)'),
      remove: db.prepare('DELETE FROM networks WHERE id = ?'),
      all: db.prepare('SELECT record FROM networks'),
      addEndpoint: db.prepare('INSERT INTO endpoints (network_id, container_id, ip, ip6, record) VALUES (?, ?, ?, ?, ?)'),
      removeEndpoint: db.prepare('DELETE FROM endpoints WHERE network_id = ? AND container_id = ?'),
      endpoints: db.prepare('SELECT record FROM endpoints'),
      endpointsOf: db.prepare('SELECT record FROM endpoints WHERE network_id = ?'),
      endpointsFor: db.prepare('SELECT record FROM endpoints WHERE container_id = ?'),
      ips: db.prepare('SELECT ip FROM endpoints WHERE network_id = ?'),
      ips6: db.prepare('SELECT ip6 FROM endpoints WHERE network_id = ? AND ip6 IS NOT NULL'),
    }
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE when the name is taken. */
  insert(n: NetworkRecord): void {
    this.stmts.insert.run(n.id, n.name, JSON.stringify(n))
  }

  remove(id: string): void {
    this.stmts.remove.run(id)
  }

  all(): NetworkRecord[] {
    return rows<NetworkRecord>(this.stmts.all.all())
  }

  /** Throws SQLITE_CONSTRAINT_UNIQUE when the address is leased already. */
  addEndpoint(e: EndpointRecord): void {
    this.stmts.addEndpoint.run(e.networkId, e.containerId, e.ip, e.ip6 ?? null, JSON.stringify(e))
  }

  removeEndpoint(networkId: string, containerId: string): void {
    this.stmts.removeEndpoint.run(networkId, containerId)
  }

  endpoints(): EndpointRecord[] {
    return rows<EndpointRecord>(this.stmts.endpoints.all())
  }

  endpointsOf(networkId: string): EndpointRecord[] {
    return rows<EndpointRecord>(this.stmts.endpointsOf.all(networkId))
  }

  endpointsFor(containerId: string): EndpointRecord[] {
    return rows<EndpointRecord>(this.stmts.endpointsFor.all(containerId))
  }

  leasedIps(networkId: string): string[] {
    return (this.stmts.ips.all(networkId) as Array<{ ip: string }>).map((r) => r.ip)
  }

  leasedIps6(networkId: string): string[] {
    return (this.stmts.ips6.all(networkId) as Array<{ ip6: string }>).map((r) => r.ip6)
  }

  transaction<T>(fn: () => T): T {
    return this.db.transaction(fn)()
  }
}

const rows = <T>(all: unknown[]): T[] => (all as Array<{ record: string }>).map((r) => JSON.parse(r.record) as T)
