// Records: the engine's persisted view of each object. Stored as JSON in SQLite rows.
//
// A container's requested configuration (`config`, `hostConfig`) is kept in Docker's own shape
// (see docs/adr/0003-container-config-shape.md): inspect must return it as given, and every field
// the engine acts on is read through engine/containers/options.ts.

export type ContainerStatus = 'created' | 'running' | 'paused' | 'restarting' | 'removing' | 'exited' | 'dead'

export interface ContainerState {
  status: ContainerStatus
  pid: number
  monitorPid: number
  exitCode: number
  error: string
  oomKilled: boolean
  startedAt: string // RFC 3339, '0001-01-01T00:00:00Z' when never
  finishedAt: string
}

/** Docker's container Config object (subset typed; unknown keys are kept). */
export interface DockerConfig {
  Hostname: string
  Domainname: string
  User: string
  AttachStdin: boolean
  AttachStdout: boolean
  AttachStderr: boolean
  ExposedPorts?: Record<string, object>
  Tty: boolean
  OpenStdin: boolean
  StdinOnce: boolean
  Env: string[]
  Cmd: string[] | null
  Entrypoint: string[] | null
  Image: string
  Volumes?: Record<string, object> | null
  WorkingDir: string
  Labels: Record<string, string>
  StopSignal?: string
  StopTimeout?: number
  [k: string]: unknown
}

export interface Ulimit {
  Name: string
  Soft: number
  Hard: number
}

/** Docker's HostConfig object (subset typed; unknown keys are kept). */
export interface DockerHostConfig {
  NetworkMode: string
  PidMode: string
  IpcMode: string
  UTSMode: string
  UsernsMode: string
  CgroupnsMode: string
  Privileged: boolean
  CapAdd: string[] | null
  CapDrop: string[] | null
  SecurityOpt: string[] | null
  ReadonlyRootfs: boolean
  Init: boolean | null
  AutoRemove: boolean
  Memory: number
  MemorySwap: number
  NanoCpus: number
  CpuShares: number
  CpuQuota: number
  CpuPeriod: number
  PidsLimit: number | null
  Ulimits: Ulimit[] | null
  [k: string]: unknown
}

export interface ContainerRecord {
  id: string
  name: string // without the leading '/'
  created: string
  imageId: string // sha256:…
  path: string // the command's first word, as Docker reports it
  args: string[]
  config: DockerConfig
  hostConfig: DockerHostConfig
  state: ContainerState
  restartCount: number
  /** Layer directories of the image, top first (overlay lowerdir order). */
  lowerDirs: string[]
  /** Exec-root directory of the current run (bundle, attach socket), set while running. */
  runDir?: string
  /** The networks the container belongs to: network id → its settings there. */
  networks?: Record<string, EndpointConfig>
  /** Ports published by the current run, with the host ports chosen; empty when not running. */
  ports?: PortMapping[]
  /** Volumes, binds and tmpfs mounts, in Docker's MountPoint shape (inspect's `Mounts`). */
  mounts?: MountPoint[]
}

/** Docker's MountPoint: one entry of a container's `Mounts`. */
export interface MountPoint {
  Type: string // 'volume' | 'bind' | 'tmpfs'
  Name?: string
  Source: string
  Destination: string
  Driver?: string
  Mode: string
  RW: boolean
  Propagation: string
  /** engine-only, never sent: copy the image's content into the volume at the next start if it is empty */
  copyData?: boolean
  /** engine-only: an anonymous volume this container created (`rm -v` and `--rm` remove it) */
  ownsVolume?: boolean
  /** engine-only: a tmpfs mount's options (size=…, mode=…) */
  tmpfsOptions?: string[]
  /** engine-only: `volume-subpath`, the directory of the volume that is mounted (relative, clean) */
  subpath?: string
  /** engine-only: `bind-nonrecursive`, a plain bind (mounts below the source are not carried along) */
  nonRecursive?: boolean
}

/** An image: its OCI config kept verbatim, plus the layers it stands on. */
export interface ImageRecord {
  id: string // sha256:<hex of the config blob>
  /** The OCI/Docker image config JSON, exactly as stored in the config blob. */
  config: ImageConfigJson
  /** Layer diff IDs, bottom first. */
  diffIds: string[]
  /** Chain IDs, bottom first (chainIds[i] identifies layers 0..i). */
  chainIds: string[]
  size: number
  created: string
  repoDigests: string[]
  /** Set when it was loaded with a manifest, for `save` to reuse. */
  parent?: string
}

export interface ImageConfigJson {
  architecture?: string
  os?: string
  created?: string
  author?: string
  config?: {
    User?: string
    Env?: string[]
    Cmd?: string[] | null
    Entrypoint?: string[] | null
    WorkingDir?: string
    Labels?: Record<string, string> | null
    ExposedPorts?: Record<string, object>
    Volumes?: Record<string, object> | null
    StopSignal?: string
    Healthcheck?: unknown
    OnBuild?: string[] | null
    Shell?: string[]
    [k: string]: unknown
  }
  rootfs: { type: 'layers'; diff_ids: string[] }
  history?: Array<{ created?: string; created_by?: string; comment?: string; empty_layer?: boolean; author?: string }>
  [k: string]: unknown
}

export interface LayerRecord {
  chainId: string
  diffId: string
  parent: string | null // parent chain id
  /** Size of the unpacked content in bytes. */
  size: number
  /** The layer as it came (compressed or not), in the blob store, for save/push. */
  blob?: { digest: string; mediaType: string; size: number }
}

/** One address pool of a network (Docker's IPAM.Config entry). */
export interface IpamPool {
  Subnet: string
  Gateway?: string
  IPRange?: string
  AuxiliaryAddresses?: Record<string, string>
}

export interface NetworkRecord {
  id: string
  name: string
  /** bridge (berth's own), host, null, or a CNI plugin type (macvlan, ipvlan, …) */
  driver: string
  created: string
  internal: boolean
  attachable: boolean
  ipv6: boolean
  labels: Record<string, string>
  options: Record<string, string>
  ipam: { Driver: string; Options: Record<string, string> | null; Config: IpamPool[] }
  /** bridge driver: the host's bridge device */
  bridge?: string
  /** bridge, host and none: made by the daemon, never removed */
  builtin?: boolean
  /** the IPv4 pool was chosen by berth, not given with --subnet (then --ip is refused, as Docker does) */
  autoSubnet?: boolean
  /** an --ipv6 network's IPv6 pool was chosen by berth (then --ip6 is refused) */
  autoSubnet6?: boolean
}

/** A container's settings on one network, as Docker's EndpointSettings carries them. */
export interface EndpointConfig {
  Aliases?: string[] | null
  Links?: string[] | null
  IPAMConfig?: { IPv4Address?: string; IPv6Address?: string } | null
  MacAddress?: string
  DriverOpts?: Record<string, string> | null
}

/** A running container's attachment to a network: its lease and its interface. */
export interface EndpointRecord {
  networkId: string
  containerId: string
  endpointId: string
  ip: string
  prefixLen: number
  gateway: string
  /** --ipv6 networks (bridge driver): the IPv6 lease, its subnet's prefix length, the gateway */
  ip6?: string
  prefixLen6?: number
  gateway6?: string
  mac: string
  /** the interface inside the container: eth0, eth1, … */
  ifName: string
  /** bridge driver: the host side of the veth pair */
  hostIf?: string
  /** CNI driver: the plugin chain's result, needed for DEL */
  cniResult?: unknown
}

export interface PortMapping {
  proto: 'tcp' | 'udp' | 'sctp'
  containerPort: number
  /** '' = every address of the host */
  hostIp: string
  hostPort: number
}
