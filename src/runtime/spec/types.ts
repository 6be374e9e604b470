// The part of the OCI runtime spec (config.json, version 1.0.2 as runc 1.1 reads it) that berth
// writes. Only fields we set are typed. 64-bit quantities that may exceed 2^53 (RLIM_INFINITY,
// seccomp argument values) are `number | bigint`; serialize.ts writes bigints as bare literals.

export const OCI_VERSION = '1.0.2-dev'

/** 2^64 − 1: "no limit" for rlimits. Not representable as a JS number. */
export const RLIM_INFINITY = 18446744073709551615n

export type U64 = number | bigint

export interface OciSpec {
  ociVersion: string
  process: OciProcess
  root: { path: string; readonly: boolean }
  hostname?: string
  domainname?: string
  mounts: OciMount[]
  linux: OciLinux
}

export interface OciProcess {
  terminal: boolean
  user: { uid: number; gid: number; additionalGids?: number[] }
  args: string[]
  env: string[]
  cwd: string
  capabilities: OciCapabilities
  rlimits?: OciRlimit[]
  noNewPrivileges: boolean
  oomScoreAdj: number
}

/** Docker sets bounding, effective and permitted; inheritable and ambient stay empty (CVE-2022-24769). */
export interface OciCapabilities {
  bounding: string[]
  effective: string[]
  permitted: string[]
}

export interface OciRlimit {
  type: string // RLIMIT_NOFILE …
  hard: U64
  soft: U64
}

export interface OciMount {
  destination: string
  type: string
  source: string
  options: string[]
}

export type NamespaceType = 'pid' | 'network' | 'mount' | 'ipc' | 'uts' | 'user' | 'cgroup'

export interface OciNamespace {
  type: NamespaceType
  path?: string
}

export interface OciDevice {
  path: string
  type: 'c' | 'b'
  major: number
  minor: number
  fileMode: number
  uid: number
  gid: number
}

export interface OciDeviceRule {
  allow: boolean
  type?: 'a' | 'c' | 'b'
  major?: number // absent = any (*)
  minor?: number
  access: string
}

export interface OciResources {
  devices: OciDeviceRule[]
  memory?: { limit?: number; swap?: number }
  cpu?: { shares?: number; quota?: number; period?: number; cpus?: string }
  pids?: { limit: number }
}

export interface OciSeccompArg {
  index: number
  value: U64
  valueTwo?: U64
  op: string
}

export interface OciSyscall {
  names: string[]
  action: string
  errnoRet?: number
  args?: OciSeccompArg[]
}

export interface OciSeccomp {
  defaultAction: string
  defaultErrnoRet?: number
  architectures?: string[]
  flags?: string[]
  syscalls?: OciSyscall[]
}

export interface OciLinux {
  namespaces: OciNamespace[]
  cgroupsPath: string
  resources: OciResources
  devices?: OciDevice[]
  sysctl?: Record<string, string>
  seccomp?: OciSeccomp
  maskedPaths?: string[]
  readonlyPaths?: string[]
}
