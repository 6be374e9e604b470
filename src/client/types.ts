// The Docker Engine API shapes the CLI reads (v1.47), trimmed to the fields it uses.
// Field names are Docker's; everything else in berth uses its own records.

export interface Port {
  IP?: string
  PrivatePort: number
  PublicPort?: number
  Type: string
}

export interface MountPoint {
  Type?: string
  Name?: string
  Source?: string
  Destination?: string
  Driver?: string
  Mode?: string
  RW?: boolean
}

export interface ContainerSummary {
  Id: string
  Names: string[]
  Image: string
  ImageID: string
  Command: string
  Created: number
  Ports: Port[]
  SizeRw?: number
  SizeRootFs?: number
  Labels: Record<string, string> | null
  State: string
  Status: string
  Mounts?: MountPoint[]
  NetworkSettings?: { Networks?: Record<string, unknown> }
}

export interface ContainerInspect {
  Id: string
  Name: string
  Created: string
  Path: string
  Args: string[]
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; ExitCode: number; Pid: number; Error?: string }
  Config: { Tty: boolean; OpenStdin: boolean; AttachStdin?: boolean; Image?: string; [k: string]: unknown }
  HostConfig: { AutoRemove?: boolean; [k: string]: unknown }
  NetworkSettings: { Ports?: Record<string, { HostIp: string; HostPort: string }[] | null> | null; [k: string]: unknown }
  [k: string]: unknown
}

export interface ImageSummary {
  Id: string
  ParentId: string
  RepoTags: string[] | null
  RepoDigests: string[] | null
  Created: number
  Size: number
  SharedSize: number
  VirtualSize?: number
  Labels: Record<string, string> | null
  Containers: number
}

export interface HistoryItem {
  Id: string
  Created: number
  CreatedBy: string
  Tags: string[] | null
  Size: number
  Comment: string
}

export interface DeleteItem {
  Untagged?: string
  Deleted?: string
}

export interface ProgressMessage {
  id?: string
  status?: string
  progress?: string
  stream?: string
  error?: string
  errorDetail?: { message?: string }
  aux?: { ID?: string }
}

export interface WaitResponse {
  StatusCode: number
  Error?: { Message?: string } | null
}

export interface ExecInspect {
  ID: string
  Running: boolean
  ExitCode: number | null
  ProcessConfig?: { tty?: boolean }
}

export interface TopResponse {
  Titles: string[]
  Processes: string[][]
}

export interface ChangeItem {
  Path: string
  Kind: number
}

export interface VersionResponse {
  Version: string
  ApiVersion: string
  MinAPIVersion?: string
  GitCommit?: string
  GoVersion?: string
  Os: string
  Arch: string
  KernelVersion?: string
  BuildTime?: string
  Experimental?: boolean
  Components?: { Name: string; Version: string; Details?: Record<string, string> }[]
  Platform?: { Name: string }
}

export type Filters = Record<string, string[]>

export interface NetworkIpamConfig {
  Subnet?: string
  IPRange?: string
  Gateway?: string
  AuxiliaryAddresses?: Record<string, string>
}

/** GET /networks entries and GET /networks/{id} (which adds the attached Containers). */
export interface NetworkSummary {
  Name: string
  Id: string
  Created: string
  Scope: string
  Driver: string
  /** API 1.48 and later. */
  EnableIPv4?: boolean
  EnableIPv6: boolean
  IPAM: { Driver: string; Options: Record<string, string> | null; Config: NetworkIpamConfig[] | null }
  Internal: boolean
  Attachable: boolean
  Ingress: boolean
  ConfigFrom?: { Network: string }
  ConfigOnly: boolean
  Containers?: Record<string, { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }>
  Options: Record<string, string> | null
  Labels: Record<string, string> | null
}

export interface NetworkCreateResponse {
  Id: string
  Warning?: string
}

export interface NetworkPruneResponse {
  NetworksDeleted: string[] | null
}

/** Docker's volume.Volume (GET /volumes entries, GET /volumes/{name}, POST /volumes/create). */
export interface Volume {
  Name: string
  Driver: string
  Mountpoint: string
  CreatedAt?: string
  Labels: Record<string, string> | null
  Scope: string
  Options: Record<string, string> | null
  Status?: Record<string, unknown>
  UsageData?: { Size: number; RefCount: number } | null
}

/** GET /system/df (types.DiskUsage); a section is absent when the `type` filter left it out. */
export interface DiskUsage {
  LayersSize?: number
  Images?: ImageSummary[] | null
  Containers?: ContainerSummary[] | null
  Volumes?: Volume[] | null
  BuildCache?: Array<{ Size: number; InUse: boolean }> | null
}

export interface VolumeCreateBody {
  Name?: string
  Driver?: string
  DriverOpts?: Record<string, string>
  Labels?: Record<string, string>
}

export interface VolumeListResponse {
  Volumes: Volume[] | null
  Warnings: string[] | null
}

export interface VolumePruneResponse {
  VolumesDeleted: string[] | null
  SpaceReclaimed: number
}
