// The contract between the volume service (engine/volumes/service.ts) and its users: the
// container verbs that mount volumes, and the API routes. Volumes are local-driver directories
// under <data-root>/volumes/<name>/_data, Docker's own layout.

export interface VolumeRecord {
  name: string
  driver: 'local'
  /** RFC 3339 */
  created: string
  labels: Record<string, string>
  /** the local driver's `-o` options: type, device, o */
  options: Record<string, string>
  /** made for a container (`-v /path`, an image VOLUME); `volume prune` takes only these by default */
  anonymous: boolean
}

export interface VolumeCreateRequest {
  Name?: string
  Driver?: string
  DriverOpts?: Record<string, string>
  Labels?: Record<string, string>
}

/** What the container verbs need of volumes. */
export interface VolumeHooks {
  /** Creates the volume, or returns the existing one of that name (Docker's create is idempotent). */
  create(req: VolumeCreateRequest, opts?: { anonymous?: boolean }): Promise<VolumeRecord>
  get(name: string): VolumeRecord | undefined
  /** The host directory a container mounts; for a volume with a `device` option, mounted first. */
  prepare(name: string): Promise<string>
  /** Removes volumes a removed container owned (anonymous only); named ones stay. */
  removeAnonymous(names: readonly string[]): Promise<void>
}
