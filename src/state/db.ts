// The metadata database: one SQLite file (WAL) under the data root. Each object kind has its own
// repository module in state/; this module owns only the connection and the schema migrations.
import Database from 'better-sqlite3'

export type Db = Database.Database

const MIGRATIONS: string[] = [
  `CREATE TABLE containers (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     record TEXT NOT NULL
   );
   CREATE TABLE images (
     id TEXT PRIMARY KEY,
     record TEXT NOT NULL
   );
   CREATE TABLE tags (
     ref TEXT PRIMARY KEY,
     image_id TEXT NOT NULL REFERENCES images(id)
   );
   CREATE TABLE layers (
     chain_id TEXT PRIMARY KEY,
     record TEXT NOT NULL
   );`,
  // Leases are unique per network by construction: two containers can never hold one address.
  `CREATE TABLE networks (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     record TEXT NOT NULL
   );
   CREATE TABLE endpoints (
     network_id TEXT NOT NULL REFERENCES networks(id),
     container_id TEXT NOT NULL,
     ip TEXT NOT NULL,
     record TEXT NOT NULL,
     PRIMARY KEY (network_id, container_id),
     UNIQUE (network_id, ip)
   );`,
  // IPv6 leases of --ipv6 networks, unique per network the same way (NULLs never collide).
  `ALTER TABLE endpoints ADD COLUMN ip6 TEXT;
   CREATE UNIQUE INDEX endpoints_ip6 ON endpoints (network_id, ip6);`,
  // Volumes of the local driver, by name (a volume has no ID).
  `CREATE TABLE volumes (
     name TEXT PRIMARY KEY,
     record TEXT NOT NULL
   );`,
  // Where pulled layers came from (state/distribution.ts): a layer (diff ID) may be known under
  // several compressed blobs, in several repositories of several registries.
  `CREATE TABLE distribution (
     diff_id TEXT NOT NULL,
     digest TEXT NOT NULL,
     media_type TEXT NOT NULL,
     size INTEGER NOT NULL,
     registry TEXT NOT NULL,
     repository TEXT NOT NULL,
     PRIMARY KEY (diff_id, digest, registry, repository)
   );
   CREATE INDEX distribution_digest ON distribution (digest);`,
]

export function openDb(path: string): Db {
  const db = new Database(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  db.pragma('foreign_keys = ON')
  db.pragma('busy_timeout = 5000')
  const version = db.pragma('user_version', { simple: true }) as number
  for (let v = version; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!)
      db.pragma(`user_version = ${v + 1}`)
    })()
  }
  return db
}
