// Pure decisions about a container's configuration: merging the image's defaults into what the
// user asked for, and reading the namespace modes. No IO here.
import { BerthError, invalid } from '../../lib/errors.js'
import type { DockerConfig, DockerHostConfig, ImageConfigJson } from '../../state/records.js'

/** Docker fills a container's Config from the image where the user left it empty. */
export function mergeImageConfig(user: DockerConfig, image: ImageConfigJson): DockerConfig {
  const ic = image.config ?? {}
  const merged: DockerConfig = { ...user }
  merged.Env = mergeEnv(ic.Env ?? [], user.Env ?? [])
  const entrypointGiven = user.Entrypoint !== null && user.Entrypoint !== undefined
  if (entrypointGiven) {
    // An explicit entrypoint resets the image's Cmd (Docker does the same).
    merged.Entrypoint = user.Entrypoint!.length === 1 && user.Entrypoint![0] === '' ? null : user.Entrypoint
    merged.Cmd = user.Cmd && user.Cmd.length > 0 ? user.Cmd : null
  } else {
    merged.Entrypoint = ic.Entrypoint ?? null
    merged.Cmd = user.Cmd && user.Cmd.length > 0 ? user.Cmd : (ic.Cmd ?? null)
  }
  merged.WorkingDir = user.WorkingDir || ic.WorkingDir || ''
  merged.User = user.User || ic.User || ''
  merged.Labels = { ...(ic.Labels ?? {}), ...(user.Labels ?? {}) }
  if (ic.ExposedPorts || user.ExposedPorts) merged.ExposedPorts = { ...(ic.ExposedPorts ?? {}), ...(user.ExposedPorts ?? {}) }
  if (ic.Volumes || user.Volumes) merged.Volumes = { ...(ic.Volumes ?? {}), ...(user.Volumes ?? {}) }
  if (!user.StopSignal && ic.StopSignal) merged.StopSignal = ic.StopSignal
  return merged
}

/** Later entries replace earlier ones with the same key; a bare `KEY` entry is kept as given. */
export function mergeEnv(base: readonly string[], over: readonly string[]): string[] {
  const out = new Map<string, string>()
  for (const e of [...base, ...over]) out.set(e.split('=')[0]!, e)
  return [...out.values()]
}

/** The argv the container runs: entrypoint + cmd. */
export function commandOf(c: DockerConfig): string[] {
  const argv = [...(c.Entrypoint ?? []), ...(c.Cmd ?? [])]
  if (argv.length === 0) throw invalid('No command specified')
  return argv
}

export type JoinableMode = { kind: 'private' } | { kind: 'host' } | { kind: 'container'; ref: string }
export type IpcMode = JoinableMode | { kind: 'none' } | { kind: 'shareable' }
export type NetworkMode = { kind: 'default' } | { kind: 'none' } | { kind: 'host' } | { kind: 'container'; ref: string } | { kind: 'network'; name: string }

const containerRef = (mode: string, what: string): string => {
  const ref = mode.slice('container:'.length)
  if (!ref) throw invalid(`invalid ${what} mode: ${mode}`)
  return ref
}

export function pidMode(mode: string): JoinableMode {
  if (mode === '' || mode === 'private') return { kind: 'private' }
  if (mode === 'host') return { kind: 'host' }
  if (mode.startsWith('container:')) return { kind: 'container', ref: containerRef(mode, 'PID') }
  throw invalid(`invalid PID mode: ${mode}`)
}

export function ipcMode(mode: string): IpcMode {
  if (mode === '' || mode === 'private') return { kind: 'private' }
  if (mode === 'shareable') return { kind: 'shareable' }
  if (mode === 'host') return { kind: 'host' }
  if (mode === 'none') return { kind: 'none' }
  if (mode.startsWith('container:')) return { kind: 'container', ref: containerRef(mode, 'IPC') }
  throw invalid(`invalid IPC mode: ${mode}`)
}

export function utsMode(mode: string): JoinableMode {
  if (mode === '' || mode === 'private') return { kind: 'private' }
  if (mode === 'host') return { kind: 'host' }
  throw invalid(`invalid UTS mode: ${mode}`)
}

export function networkMode(mode: string): NetworkMode {
  if (mode === '' || mode === 'default' || mode === 'bridge') return { kind: 'default' }
  if (mode === 'none') return { kind: 'none' }
  if (mode === 'host') return { kind: 'host' }
  if (mode.startsWith('container:')) return { kind: 'container', ref: containerRef(mode, 'network') }
  return { kind: 'network', name: mode }
}

export function cgroupnsMode(mode: string): 'private' | 'host' {
  if (mode === '' || mode === 'private') return 'private'
  if (mode === 'host') return 'host'
  throw invalid(`invalid cgroup namespace mode: ${mode}`)
}

export function usernsMode(mode: string): 'host' {
  if (mode === '' || mode === 'host') return 'host'
  throw new BerthError('not-implemented', `user namespace remapping (--userns=${mode}) is not supported yet`)
}

/** Validates every mode and the combinations Docker refuses; returns nothing, throws `invalid`. */
export function validateHostConfig(config: DockerConfig, hc: DockerHostConfig): void {
  pidMode(hc.PidMode ?? '')
  ipcMode(hc.IpcMode ?? '')
  utsMode(hc.UTSMode ?? '')
  cgroupnsMode(hc.CgroupnsMode ?? '')
  usernsMode(hc.UsernsMode ?? '')
  const net = networkMode(hc.NetworkMode ?? '')
  if (net.kind === 'container' || net.kind === 'host') {
    if (net.kind === 'container' && config.Hostname)
      throw invalid('conflicting options: hostname and the network mode')
    const pb = hc.PortBindings as Record<string, unknown> | undefined | null
    if (net.kind === 'container' && ((pb && Object.keys(pb).length > 0) || hc.PublishAllPorts))
      throw invalid('conflicting options: port publishing and the container type network mode')
    if (net.kind === 'container' && config.ExposedPorts && Object.keys(config.ExposedPorts).length > 0)
      throw invalid('conflicting options: port exposing and the container type network mode')
  }
  if (hc.UTSMode === 'host' && config.Hostname) throw invalid('conflicting options: hostname and the UTS mode')
  rejectUnsupported(hc)
}

/**
 * Options Docker has that berth does not implement yet are refused rather than silently ignored
 * (storage options, restart policies, devices). Empty values pass: clients send them by default.
 */
export function rejectUnsupported(hc: DockerHostConfig): void {
  const nonEmpty = (v: unknown) =>
    v !== undefined && v !== null && v !== false && v !== '' && v !== 0 &&
    !(Array.isArray(v) && v.length === 0) && !(typeof v === 'object' && !Array.isArray(v) && Object.keys(v as object).length === 0)
  const unsupported: Array<[string, unknown]> = [
    ['storage options (--storage-opt)', hc.StorageOpt],
  ]
  const restart = (hc.RestartPolicy as { Name?: string } | undefined)?.Name
  if (restart && restart !== 'no') unsupported.push(['restart policies (--restart)', restart])
  if (!hc.Privileged) unsupported.push(['devices (--device)', hc.Devices])
  for (const [what, value] of unsupported)
    if (nonEmpty(value)) throw new BerthError('not-implemented', `${what} not supported by berth yet`)
}
