// Container records → Docker's JSON: inspect (ContainerInspectResponse) and list (ContainerSummary).
import type { ContainerRecord, ContainerState } from '../../state/records.js'
import { humanDuration } from '../../lib/human.js'
import { join } from 'node:path'

export interface InspectContext {
  containersDir: string
  execIds: string[]
  sizeRw?: number
  sizeRootFs?: number
}

export function stateJson(s: ContainerState) {
  return {
    Status: s.status,
    Running: s.status === 'running' || s.status === 'paused' || s.status === 'restarting',
    Paused: s.status === 'paused',
    Restarting: s.status === 'restarting',
    OOMKilled: s.oomKilled,
    Dead: s.status === 'dead',
    Pid: s.pid,
    ExitCode: s.exitCode,
    Error: s.error,
    StartedAt: s.startedAt,
    FinishedAt: s.finishedAt,
  }
}

/** Docker reports the default network mode as `bridge`. */
export const reportedNetworkMode = (mode: string) => (mode === 'default' || mode === '' ? 'bridge' : mode)

export function hostConfigJson(c: ContainerRecord) {
  const hc = c.hostConfig
  return {
    Binds: null,
    ContainerIDFile: '',
    LogConfig: { Type: 'k8s-file', Config: {} },
    PortBindings: {},
    RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
    VolumeDriver: '',
    VolumesFrom: null,
    ConsoleSize: [0, 0],
    CgroupParent: '',
    BlkioWeight: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: [],
    DeviceCgroupRules: null,
    KernelMemoryTCP: 0,
    MemoryReservation: 0,
    MemorySwappiness: null,
    OomKillDisable: false,
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    Links: null,
    OomScoreAdj: 0,
    Cgroup: '',
    ShmSize: 67108864,
    Runtime: 'runc',
    Isolation: '',
    MaskedPaths: [],
    ReadonlyPaths: [],
    ...hc,
    NetworkMode: reportedNetworkMode(hc.NetworkMode),
    PidsLimit: hc.PidsLimit ?? null,
    Init: hc.Init ?? null,
  }
}

export function inspectJson(c: ContainerRecord, ctx: InspectContext) {
  const dir = join(ctx.containersDir, c.id)
  const running = c.state.status === 'running' || c.state.status === 'paused'
  const out: Record<string, unknown> = {
    Id: c.id,
    Created: c.created,
    Path: c.path,
    Args: c.args,
    State: stateJson(c.state),
    Image: c.imageId,
    ResolvConfPath: join(dir, 'resolv.conf'),
    HostnamePath: join(dir, 'hostname'),
    HostsPath: join(dir, 'hosts'),
    LogPath: join(dir, 'ctr.log'),
    Name: `/${c.name}`,
    RestartCount: c.restartCount,
    Driver: 'overlay2',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: ctx.execIds.length > 0 ? ctx.execIds : null,
    HostConfig: hostConfigJson(c),
    GraphDriver: {
      Name: 'overlay2',
      Data: {
        LowerDir: c.lowerDirs.join(':'),
        MergedDir: join(dir, 'merged'),
        UpperDir: join(dir, 'upper'),
        WorkDir: join(dir, 'work'),
      },
    },
    Mounts: [],
    Config: {
      ...c.config,
      ExposedPorts: c.config.ExposedPorts ?? undefined,
      Volumes: c.config.Volumes ?? null,
      OnBuild: null,
    },
    NetworkSettings: networkSettings(c, running),
  }
  if (ctx.sizeRw !== undefined) out.SizeRw = ctx.sizeRw
  if (ctx.sizeRootFs !== undefined) out.SizeRootFs = ctx.sizeRootFs
  return out
}

function networkSettings(c: ContainerRecord, running: boolean) {
  const mode = reportedNetworkMode(c.hostConfig.NetworkMode)
  const sandbox = running && !mode.startsWith('container:') && mode !== 'host' ? `/proc/${c.state.pid}/ns/net` : ''
  return {
    Bridge: '',
    SandboxID: running ? c.id : '',
    SandboxKey: sandbox,
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: {},
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: {},
  }
}

/** `Up 5 seconds`, `Exited (0) 3 minutes ago`, `Created` — Docker's list status line. */
export function statusText(s: ContainerState, now = Date.now()): string {
  const since = (t: string) => humanDuration(now - Date.parse(t))
  switch (s.status) {
    case 'running':
      return `Up ${since(s.startedAt)}`
    case 'paused':
      return `Up ${since(s.startedAt)} (Paused)`
    case 'restarting':
      return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`
    case 'removing':
      return 'Removal In Progress'
    case 'dead':
      return 'Dead'
    case 'exited':
      return s.finishedAt.startsWith('0001') ? 'Created' : `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`
    default:
      return 'Created'
  }
}

export function summaryJson(c: ContainerRecord, imageName: string, size?: { rw: number; rootFs: number }) {
  const out: Record<string, unknown> = {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: imageName,
    ImageID: c.imageId,
    Command: [c.path, ...c.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' '),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: [],
    Labels: c.config.Labels ?? {},
    State: c.state.status,
    Status: statusText(c.state),
    HostConfig: { NetworkMode: reportedNetworkMode(c.hostConfig.NetworkMode) },
    NetworkSettings: { Networks: {} },
    Mounts: [],
  }
  if (size) {
    out.SizeRw = size.rw
    out.SizeRootFs = size.rootFs
  }
  return out
}
