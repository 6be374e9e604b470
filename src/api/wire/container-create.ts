// POST /containers/create: Docker's body → the engine's create request.
import type { CreateRequest } from '../../engine/containers/create.js'
import type { DockerConfig, DockerHostConfig, EndpointConfig } from '../../state/records.js'
import { invalid } from '../../lib/errors.js'
import { asObject, checkFields, strSlice } from './decode.js'

const CONFIG_FIELDS = {
  Hostname: 'string', Domainname: 'string', User: 'string', AttachStdin: 'bool', AttachStdout: 'bool',
  AttachStderr: 'bool', ExposedPorts: 'object', Tty: 'bool', OpenStdin: 'bool', StdinOnce: 'bool',
  Env: 'strings', Cmd: 'strings', Entrypoint: 'strings', Image: 'string', Volumes: 'object',
  WorkingDir: 'string', Labels: 'stringMap', StopSignal: 'string', StopTimeout: 'int', NetworkDisabled: 'bool',
  HostConfig: 'object', NetworkingConfig: 'object', Healthcheck: 'object', Shell: 'strings', OnBuild: 'strings',
  MacAddress: 'string',
} as const

const HOST_FIELDS = {
  Binds: 'strings', NetworkMode: 'string', PortBindings: 'object', AutoRemove: 'bool', Privileged: 'bool',
  PidMode: 'string', IpcMode: 'string', UTSMode: 'string', UsernsMode: 'string', CgroupnsMode: 'string',
  CapAdd: 'strings', CapDrop: 'strings', SecurityOpt: 'strings', ReadonlyRootfs: 'bool', Init: 'bool',
  Memory: 'int', MemorySwap: 'int', NanoCpus: 'int', CpuShares: 'int', CpuQuota: 'int', CpuPeriod: 'int',
  PidsLimit: 'int', Ulimits: 'array', ShmSize: 'int', CpusetCpus: 'string', Dns: 'strings', ExtraHosts: 'strings',
  RestartPolicy: 'object', Mounts: 'array', Tmpfs: 'object', Devices: 'array', LogConfig: 'object',
  PublishAllPorts: 'bool', Links: 'strings', DnsSearch: 'strings', DnsOptions: 'strings',
} as const

export function decodeCreate(body: unknown, name: string | null): CreateRequest {
  const b = asObject(body, 'container.CreateRequest')
  checkFields(b, CONFIG_FIELDS, 'Config')
  const hc = asObject(b.HostConfig, 'container.HostConfig')
  checkFields(hc, HOST_FIELDS, 'HostConfig')
  for (const u of (hc.Ulimits as unknown[] | null) ?? []) checkFields(asObject(u, 'units.Ulimit'), { Name: 'string', Soft: 'int', Hard: 'int' }, 'Ulimit')
  if (!b.Image || typeof b.Image !== 'string') throw invalid('No image was specified')

  const config: DockerConfig = {
    Hostname: (b.Hostname as string) ?? '',
    Domainname: (b.Domainname as string) ?? '',
    User: (b.User as string) ?? '',
    AttachStdin: !!b.AttachStdin,
    AttachStdout: !!b.AttachStdout,
    AttachStderr: !!b.AttachStderr,
    ExposedPorts: (b.ExposedPorts as Record<string, object>) ?? undefined,
    Tty: !!b.Tty,
    OpenStdin: !!b.OpenStdin,
    StdinOnce: !!b.StdinOnce,
    Env: strSlice(b.Env) ?? [],
    Cmd: strSlice(b.Cmd),
    Entrypoint: strSlice(b.Entrypoint),
    Image: b.Image,
    Volumes: (b.Volumes as Record<string, object>) ?? null,
    WorkingDir: (b.WorkingDir as string) ?? '',
    Labels: (b.Labels as Record<string, string>) ?? {},
  }
  if (typeof b.MacAddress === 'string' && b.MacAddress) config.MacAddress = b.MacAddress
  if (b.StopSignal) config.StopSignal = b.StopSignal as string
  if (typeof b.StopTimeout === 'number') config.StopTimeout = b.StopTimeout
  if (config.WorkingDir && !config.WorkingDir.startsWith('/'))
    throw invalid(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`)

  const hostConfig: DockerHostConfig = {
    ...hc,
    NetworkMode: (hc.NetworkMode as string) || 'default',
    PidMode: (hc.PidMode as string) ?? '',
    IpcMode: (hc.IpcMode as string) || 'private',
    UTSMode: (hc.UTSMode as string) ?? '',
    UsernsMode: (hc.UsernsMode as string) ?? '',
    CgroupnsMode: (hc.CgroupnsMode as string) || 'private',
    Privileged: !!hc.Privileged,
    CapAdd: strSlice(hc.CapAdd),
    CapDrop: strSlice(hc.CapDrop),
    SecurityOpt: strSlice(hc.SecurityOpt),
    ReadonlyRootfs: !!hc.ReadonlyRootfs,
    Init: (hc.Init as boolean | null) ?? null,
    AutoRemove: !!hc.AutoRemove,
    Memory: (hc.Memory as number) ?? 0,
    MemorySwap: (hc.MemorySwap as number) ?? 0,
    NanoCpus: (hc.NanoCpus as number) ?? 0,
    CpuShares: (hc.CpuShares as number) ?? 0,
    CpuQuota: (hc.CpuQuota as number) ?? 0,
    CpuPeriod: (hc.CpuPeriod as number) ?? 0,
    PidsLimit: (hc.PidsLimit as number | null) ?? null,
    Ulimits: (hc.Ulimits as DockerHostConfig['Ulimits']) ?? null,
  }
  const nc = b.NetworkingConfig === undefined || b.NetworkingConfig === null ? {} : asObject(b.NetworkingConfig, 'network.NetworkingConfig')
  const eps = nc.EndpointsConfig === undefined || nc.EndpointsConfig === null ? {} : asObject(nc.EndpointsConfig, 'EndpointsConfig')
  const endpoints: Record<string, EndpointConfig | null> = {}
  for (const [net, ep] of Object.entries(eps)) endpoints[net] = ep === null ? null : decodeEndpoint(ep)
  return { name: name ?? undefined, config, hostConfig, endpoints }
}

/** One EndpointSettings of NetworkingConfig (also the body of POST /networks/{id}/connect). */
export function decodeEndpoint(value: unknown): EndpointConfig {
  const ep = asObject(value, 'network.EndpointSettings')
  checkFields(ep, { Aliases: 'strings', Links: 'strings', MacAddress: 'string', IPAMConfig: 'object', DriverOpts: 'stringMap' }, 'EndpointSettings')
  const ipam = ep.IPAMConfig === undefined || ep.IPAMConfig === null ? undefined : asObject(ep.IPAMConfig, 'network.EndpointIPAMConfig')
  if (ipam) checkFields(ipam, { IPv4Address: 'string', IPv6Address: 'string', LinkLocalIPs: 'strings' }, 'EndpointIPAMConfig')
  const out: EndpointConfig = {}
  if (strSlice(ep.Aliases)?.length) out.Aliases = strSlice(ep.Aliases)
  if (strSlice(ep.Links)?.length) out.Links = strSlice(ep.Links)
  if (typeof ep.MacAddress === 'string' && ep.MacAddress) out.MacAddress = ep.MacAddress
  if (ipam && (ipam.IPv4Address || ipam.IPv6Address))
    out.IPAMConfig = { ...(ipam.IPv4Address ? { IPv4Address: ipam.IPv4Address as string } : {}), ...(ipam.IPv6Address ? { IPv6Address: ipam.IPv6Address as string } : {}) }
  if (ep.DriverOpts && Object.keys(ep.DriverOpts as object).length) out.DriverOpts = ep.DriverOpts as Record<string, string>
  return out
}
