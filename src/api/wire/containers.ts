// Container records → Docker's JSON: inspect (ContainerInspectResponse) and list (ContainerSummary).
import type { ContainerRecord, ContainerState, EndpointConfig, EndpointRecord, MountPoint, NetworkRecord } from '../../state/records.js'
import { humanDuration } from '../../lib/human.js'
import { atLeast } from '../version.js'
import { join } from 'node:path'

/** A container's networks as the engine sees them: membership, and the lease while running. */
export interface ContainerNetworkView {
  networks: Array<{ net: NetworkRecord; cfg: EndpointConfig; ep?: EndpointRecord }>
  sandboxKey?: string
  /** the request's API version: DNSNames exists from 1.44 */
  version?: string
}

export interface InspectContext {
  network: ContainerNetworkView
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
    Mounts: mountsJson(c),
    Config: {
      ...c.config,
      ExposedPorts: c.config.ExposedPorts ?? undefined,
      Volumes: c.config.Volumes ?? null,
      OnBuild: null,
    },
    NetworkSettings: networkSettings(c, running, ctx.network),
  }
  if (ctx.sizeRw !== undefined) out.SizeRw = ctx.sizeRw
  if (ctx.sizeRootFs !== undefined) out.SizeRootFs = ctx.sizeRootFs
  return out
}

function networkSettings(c: ContainerRecord, running: boolean, view: ContainerNetworkView) {
  const mode = reportedNetworkMode(c.hostConfig.NetworkMode)
  const owns = running && !mode.startsWith('container:') && mode !== 'host'
  // Docker fills the top-level address fields from the default bridge only.
  const bridge = view.networks.find((n) => n.net.builtin && n.net.driver === 'bridge')?.ep
  return {
    Bridge: '',
    SandboxID: running ? c.id : '',
    SandboxKey: owns ? view.sandboxKey ?? '' : '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: portsJson(c, running),
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: bridge?.endpointId ?? '',
    Gateway: bridge?.gateway ?? '',
    GlobalIPv6Address: bridge?.ip6 ?? '',
    GlobalIPv6PrefixLen: bridge?.prefixLen6 ?? 0,
    IPAddress: bridge?.ip ?? '',
    IPPrefixLen: bridge?.prefixLen ?? 0,
    IPv6Gateway: bridge?.gateway6 ?? '',
    MacAddress: bridge?.mac ?? '',
    Networks: networksJson(c, view),
  }
}

/** Published ports of the run (`"80/tcp": [{HostIp, HostPort}]`), exposed but unpublished ones as null. */
export function portsJson(c: ContainerRecord, running: boolean): Record<string, Array<{ HostIp: string; HostPort: string }> | null> {
  const out: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {}
  for (const key of Object.keys(c.config.ExposedPorts ?? {})) out[key.includes('/') ? key : `${key}/tcp`] = null
  if (!running) return out
  for (const p of c.ports ?? []) {
    const key = `${p.containerPort}/${p.proto}`
    out[key] = [...(out[key] ?? []), { HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) }]
  }
  return out
}

function networksJson(c: ContainerRecord, view: ContainerNetworkView) {
  const out: Record<string, unknown> = {}
  for (const { net, cfg, ep } of view.networks) {
    out[net.name] = {
      IPAMConfig: cfg.IPAMConfig ?? null,
      Links: cfg.Links ?? null,
      Aliases: cfg.Aliases ?? null,
      MacAddress: ep?.mac ?? cfg.MacAddress ?? '',
      DriverOpts: cfg.DriverOpts ?? null,
      NetworkID: net.id,
      EndpointID: ep?.endpointId ?? '',
      Gateway: ep?.gateway ?? '',
      IPAddress: ep?.ip ?? '',
      IPPrefixLen: ep?.prefixLen ?? 0,
      IPv6Gateway: ep?.gateway6 ?? '',
      GlobalIPv6Address: ep?.ip6 ?? '',
      GlobalIPv6PrefixLen: ep?.prefixLen6 ?? 0,
      ...(atLeast(view.version ?? '1.47', '1.44') ? { DNSNames: ep && !net.builtin ? [c.name, c.id.slice(0, 12), ...(cfg.Aliases ?? [])] : null } : {}),
    }
  }
  return out
}

/** Docker's MountPoint list; the record's engine-only fields stay inside. Binds omit Name and Driver. */
export function mountsJson(c: ContainerRecord): MountPoint[] {
  return (c.mounts ?? []).map((m) => ({
    Type: m.Type,
    ...(m.Name ? { Name: m.Name } : {}),
    Source: m.Source,
    Destination: m.Destination,
    ...(m.Driver ? { Driver: m.Driver } : {}),
    Mode: m.Mode,
    RW: m.RW,
    Propagation: m.Propagation,
  }))
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

export function summaryJson(c: ContainerRecord, imageName: string, view: ContainerNetworkView, size?: { rw: number; rootFs: number }) {
  const running = c.state.status === 'running' || c.state.status === 'paused'
  const out: Record<string, unknown> = {
    Id: c.id,
    Names: [`/${c.name}`],
    Image: imageName,
    ImageID: c.imageId,
    Command: [c.path, ...c.args.map((a) => (a.includes(' ') ? `'${a}'` : a))].join(' '),
    Created: Math.floor(Date.parse(c.created) / 1000),
    Ports: Object.entries(portsJson(c, running)).flatMap(([key, bindings]) => {
      const [port, type] = key.split('/')
      const base = { PrivatePort: Number(port), Type: type }
      return bindings ? bindings.map((b) => ({ IP: b.HostIp, ...base, PublicPort: Number(b.HostPort) })) : [base]
    }),
    Labels: c.config.Labels ?? {},
    State: c.state.status,
    Status: statusText(c.state),
    HostConfig: { NetworkMode: reportedNetworkMode(c.hostConfig.NetworkMode) },
    NetworkSettings: { Networks: networksJson(c, view) },
    Mounts: mountsJson(c),
  }
  if (size) {
    out.SizeRw = size.rw
    out.SizeRootFs = size.rootFs
  }
  return out
}
