// Builds the POST /containers/create request from parsed run/create flags, field for field as
// the docker CLI does (see test/compat/cli-parse/docker-create-bodies.json, captured from it).
// Pure: files (--env-file, --label-file, seccomp profiles) are read by the caller via deps.
import { kvToMap, parseKVFile, readEnv } from './env.js'
import { canonicalDnsServer, dnsSearchDomain, extraHost } from './host-opts.js'
import { containerNetworking } from './network-opts.js'
import type { Parsed } from './parser.js'
import { parseExpose, parsePublish } from './publish.js'
import { nanoCpus, normalizeCapability, parseInt64, parseRestartPolicy, parseUlimit, ramInBytes, swapInBytes } from './units.js'
import { parseMount, parseTmpfs, splitVolumes } from './volume.js'

export interface BodyDeps {
  env: (name: string) => string | undefined
  readFile: (path: string) => string
  cwd: string
  /** [height, width] of the client's terminal when stdout is one, else [0, 0]. */
  consoleSize: [number, number]
}

export interface CreateRequest {
  name?: string
  platform?: string
  pull: 'missing' | 'never' | 'always'
  image: string
  body: Record<string, unknown>
}

const orNull = <T>(xs: T[]): T[] | null => (xs.length ? xs : null)
const int = (p: Parsed, f: string) => (p.has(f) ? parseInt64(p.str(f)!) : 0)
const bytes = (p: Parsed, f: string) => (p.has(f) ? ramInBytes(p.str(f)!) : 0)

const NAMESPACE_MODES: Record<string, RegExp> = {
  pid: /^(|host|container:.+)$/,
  uts: /^(|host)$/,
  userns: /^(|host)$/,
  cgroupns: /^(|host|private)$/,
}
const MODE_ERRORS: Record<string, string> = {
  pid: '--pid: invalid PID mode',
  uts: '--uts: invalid UTS mode',
  userns: '--userns: invalid USER mode',
  cgroupns: '--cgroupns: invalid CGROUP mode',
}

function securityOpts(opts: string[], deps: BodyDeps): string[] {
  return opts.map((o) => {
    const normalized = o.includes('=') ? o : o.replace(':', '=')
    const [key, value] = [normalized.slice(0, normalized.indexOf('=')), normalized.slice(normalized.indexOf('=') + 1)]
    if (key === 'seccomp' && value !== 'unconfined' && value !== 'builtin' && normalized.includes('=')) {
      let text: string
      try {
        text = deps.readFile(value)
      } catch (e) {
        throw new Error(`opening seccomp profile (${value}) failed: ${(e as Error).message}`)
      }
      return `seccomp=${JSON.stringify(JSON.parse(text))}`
    }
    return normalized
  })
}

export function buildCreateRequest(p: Parsed, deps: BodyDeps): CreateRequest {
  const [image, ...cmd] = p.args
  if (image === undefined) throw new Error('image is required')
  const attach = p.list('attach').map((a) => a.toLowerCase())
  const isStdin = p.bool('interactive')
  const attachStdin = attach.includes('stdin') || isStdin
  const attachStdout = attach.length === 0 || attach.includes('stdout')
  const attachStderr = attach.length === 0 || attach.includes('stderr')

  const { volumes, binds } = splitVolumes(p.list('volume'), deps.cwd)
  const ports = parsePublish(p.list('publish'))
  for (const k of parseExpose(p.list('expose'))) ports.exposed[k] = {}

  const envFiles = p.list('env-file').flatMap((f) => parseKVFile(deps.readFile(f), f, deps.env))
  const env = readEnv(envFiles, p.list('env'), deps.env)
  const labelFiles = p.list('label-file').flatMap((f) => parseKVFile(deps.readFile(f), f))
  const labels = kvToMap([...labelFiles, ...p.list('label')])

  for (const ns of Object.keys(NAMESPACE_MODES)) {
    if (!NAMESPACE_MODES[ns]!.test(p.str(ns) ?? '')) throw new Error(MODE_ERRORS[ns])
  }
  const restart = parseRestartPolicy(p.str('restart') ?? 'no')
  if (p.bool('rm') && restart.Name !== 'no' && restart.Name !== '') {
    throw new Error('conflicting options: cannot specify both --restart and --rm')
  }
  const pull = (p.str('pull') ?? 'missing') as CreateRequest['pull']
  if (!['missing', 'never', 'always'].includes(pull)) {
    throw new Error(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`)
  }
  const net = containerNetworking({
    networks: p.list('network'),
    aliases: p.list('network-alias'),
    links: p.list('link'),
    ipv4Address: p.str('ip') ?? '',
    ipv6Address: p.str('ip6') ?? '',
    macAddress: p.str('mac-address') ?? '',
    linkLocalIPs: p.list('link-local-ip'),
  })
  // docker also copies the main endpoint's MAC into Config for daemons older than API 1.44;
  // the client drops it again when it talks 1.44 or later
  const macAddress = net.endpoints[networkName(net.networkMode)]?.MacAddress ?? ''
  const entrypoint = p.has('entrypoint') ? [p.str('entrypoint')!] : null
  const tmpfs = parseTmpfs(p.list('tmpfs'))
  const mounts = p.list('mount').map((m) => parseMount(m, ramInBytes))
  const tty = p.bool('tty')

  const config: Record<string, unknown> = {
    Hostname: p.str('hostname') ?? '',
    Domainname: p.str('domainname') ?? '',
    User: p.str('user') ?? '',
    AttachStdin: attachStdin,
    AttachStdout: attachStdout,
    AttachStderr: attachStderr,
    ...(Object.keys(ports.exposed).length ? { ExposedPorts: ports.exposed } : {}),
    Tty: tty,
    OpenStdin: isStdin,
    StdinOnce: isStdin && attachStdin,
    Env: orNull(env),
    Cmd: orNull(cmd),
    Image: image,
    Volumes: volumes,
    WorkingDir: p.str('workdir') ?? '',
    Entrypoint: entrypoint,
    ...(macAddress ? { MacAddress: macAddress } : {}),
    OnBuild: null,
    Labels: labels,
    ...(p.str('stop-signal') ? { StopSignal: p.str('stop-signal') } : {}),
    ...(p.has('stop-timeout') ? { StopTimeout: int(p, 'stop-timeout') } : {}),
  }

  const hostConfig: Record<string, unknown> = {
    Binds: orNull(binds),
    ContainerIDFile: p.str('cidfile') ?? '',
    LogConfig: { Type: p.str('log-driver') ?? '', Config: kvToMap(p.list('log-opt')) },
    NetworkMode: net.networkMode,
    PortBindings: ports.bindings,
    RestartPolicy: restart,
    AutoRemove: p.bool('rm'),
    VolumeDriver: '',
    VolumesFrom: orNull(p.list('volumes-from')),
    ConsoleSize: tty ? deps.consoleSize : [0, 0],
    CapAdd: orNull(p.list('cap-add').map(normalizeCapability)),
    CapDrop: orNull(p.list('cap-drop').map(normalizeCapability)),
    CgroupnsMode: p.str('cgroupns') ?? '',
    Dns: p.list('dns').map(canonicalDnsServer),
    DnsOptions: p.list('dns-option'),
    DnsSearch: p.list('dns-search').map(dnsSearchDomain),
    ExtraHosts: orNull(p.list('add-host').map(extraHost)),
    GroupAdd: orNull(p.list('group-add')),
    IpcMode: p.str('ipc') ?? '',
    Cgroup: '',
    Links: orNull(p.list('link')),
    OomScoreAdj: int(p, 'oom-score-adj'),
    PidMode: p.str('pid') ?? '',
    Privileged: p.bool('privileged'),
    PublishAllPorts: p.bool('publish-all'),
    ReadonlyRootfs: p.bool('read-only'),
    SecurityOpt: orNull(securityOpts(p.list('security-opt'), deps)),
    ...(p.list('storage-opt').length ? { StorageOpt: kvToMap(p.list('storage-opt')) } : {}),
    ...(Object.keys(tmpfs).length ? { Tmpfs: tmpfs } : {}),
    UTSMode: p.str('uts') ?? '',
    UsernsMode: p.str('userns') ?? '',
    ShmSize: bytes(p, 'shm-size'),
    ...(p.list('sysctl').length ? { Sysctls: kvToMap(p.list('sysctl')) } : {}),
    ...(p.str('runtime') ? { Runtime: p.str('runtime') } : {}),
    Isolation: '',
    CpuShares: int(p, 'cpu-shares'),
    Memory: bytes(p, 'memory'),
    NanoCpus: p.has('cpus') ? nanoCpus(p.str('cpus')!) : 0,
    CgroupParent: '',
    BlkioWeight: 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: [],
    BlkioDeviceWriteBps: [],
    BlkioDeviceReadIOps: [],
    BlkioDeviceWriteIOps: [],
    CpuPeriod: 0,
    CpuQuota: 0,
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: '',
    CpusetMems: '',
    Devices: p.list('device').map(parseDevice),
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: bytes(p, 'memory-reservation'),
    MemorySwap: p.has('memory-swap') ? swapInBytes(p.str('memory-swap')!) : 0,
    MemorySwappiness: -1,
    OomKillDisable: p.bool('oom-kill-disable'),
    PidsLimit: int(p, 'pids-limit'),
    Ulimits: p.list('ulimit').map(parseUlimit),
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    ...(mounts.length ? { Mounts: mounts } : {}),
    MaskedPaths: null,
    ReadonlyPaths: null,
    ...(p.has('init') ? { Init: p.bool('init') } : {}),
  }

  return {
    name: p.str('name'),
    platform: p.str('platform'),
    pull,
    image,
    body: { ...config, HostConfig: hostConfig, NetworkingConfig: { EndpointsConfig: net.endpoints } },
  }
}

/** NetworkMode.NetworkName(): the key of the main endpoint (`container:x` has none). */
const networkName = (mode: string) => (mode.startsWith('container:') ? 'container' : mode)

/** --device /dev/x[:/dev/y[:rwm]] */
function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = spec.split(':')
  const host = parts[0]!
  let inCtr = host
  let perms = 'rwm'
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1]!)) perms = parts[1]!
    else inCtr = parts[1]!
  } else if (parts.length === 3) {
    inCtr = parts[1]!
    perms = parts[2]!
  } else if (parts.length > 3) throw new Error(`invalid device specification: ${spec}`)
  return { PathOnHost: host, PathInContainer: inCtr, CgroupPermissions: perms }
}
