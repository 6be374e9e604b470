// RUN (and the container-backed metadata steps): a real container from the current image, made
// and removed through the container service like any other, so it shows in `ps` and events
// while it exists, as Docker's build containers do. Output is streamed to the client as it is
// logged; the exit code decides. The container is always removed, also when the step fails
// or the client goes away; its upper dir becomes the step's layer before that.
import type { ContainerService } from '../engine/containers/service.js'
import type { ContainerConfig } from '../engine/images/change.js'
import { BerthError } from '../lib/errors.js'
import { log } from '../lib/log.js'
import type { DockerConfig, DockerHostConfig, Ulimit } from '../state/records.js'

/** A RUN whose command exits non-zero; `code` becomes the docker CLI's exit status. */
export class RunFailed extends BerthError {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super('invalid', message)
  }
}

export interface StepContainerOptions {
  imageId: string
  config: ContainerConfig
  /** The argv to run; absent for a container that is only created (metadata steps). */
  cmd?: string[]
  /** Env of the step: the image's plus build args. */
  env: string[]
  host: StepHostOptions
}

/**
 * What the build request sets on every step container, as dockerd's hostConfigFromOptions
 * does: the network for RUN (`default` is the bridge), /etc/hosts entries, /dev/shm and the
 * resource limits. Zero or empty means "not set".
 */
export interface StepHostOptions {
  networkMode: string
  extraHosts: string[]
  shmSize: number
  memory: number
  memorySwap: number
  cpuShares: number
  cpuPeriod: number
  cpuQuota: number
  cpusetCpus: string
  cpusetMems: string
  ulimits: Ulimit[]
}

export type StepContainers = Pick<ContainerService, 'create' | 'start' | 'wait' | 'logs' | 'remove'>

/** Docker's container Config for a build step (moby copyRunConfig + withCmd/withEnv/…). */
function stepConfig(o: StepContainerOptions): DockerConfig {
  const c = o.config
  return {
    Hostname: '',
    Domainname: '',
    User: c.User ?? '',
    AttachStdin: false,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: o.env,
    // An empty entrypoint keeps the image's out of the way: the step's command runs as given.
    Cmd: o.cmd ?? ['/bin/sh'],
    Entrypoint: [''],
    Image: o.imageId,
    WorkingDir: c.WorkingDir ?? '',
    Labels: {},
    Healthcheck: { Test: ['NONE'] },
  }
}

function stepHostConfig(h: StepHostOptions): DockerHostConfig {
  return {
    NetworkMode: h.networkMode === 'default' ? 'bridge' : h.networkMode,
    PidMode: '', IpcMode: '', UTSMode: '', UsernsMode: '', CgroupnsMode: '',
    Privileged: false, CapAdd: null, CapDrop: null, SecurityOpt: null, ReadonlyRootfs: false,
    Init: null, AutoRemove: false, Memory: h.memory, MemorySwap: h.memorySwap, NanoCpus: 0,
    CpuShares: h.cpuShares, CpuQuota: h.cpuQuota, CpuPeriod: h.cpuPeriod, PidsLimit: null,
    Ulimits: h.ulimits.length ? h.ulimits : null,
    ExtraHosts: h.extraHosts.length ? h.extraHosts : null,
    ShmSize: h.shmSize,
    CpusetCpus: h.cpusetCpus,
    CpusetMems: h.cpusetMems,
  }
}

/** A created (not started) step container; `remove()` never throws. */
export interface StepContainer {
  id: string
  remove(): Promise<void>
}

export async function createStepContainer(containers: StepContainers, o: StepContainerOptions): Promise<StepContainer> {
  const { id } = await containers.create({ config: stepConfig(o), hostConfig: stepHostConfig(o.host) })
  return {
    id,
    remove: () =>
      containers.remove(id, { force: true, volumes: true }).catch((e: unknown) => {
        log.warn('removing a build container failed', { id, error: String(e) })
      }),
  }
}

/**
 * Starts the container and streams its output through `write` until it exits. Throws
 * RunFailed with Docker's text for a non-zero exit; aborting `signal` kills it.
 */
export async function runStepContainer(
  containers: StepContainers,
  id: string,
  cmd: readonly string[],
  write: (text: string) => Promise<void>,
  signal: AbortSignal,
): Promise<void> {
  if (signal.aborted) throw new BerthError('invalid', 'Build cancelled')
  const exited = containers.wait(id, 'next-exit')
  await containers.start(id)
  const onAbort = () => void containers.remove(id, { force: true, volumes: true }).catch(() => undefined)
  signal.addEventListener('abort', onAbort, { once: true })
  if (signal.aborted) onAbort() // went away while the container started
  try {
    for await (const entry of containers.logs(id, { follow: true, signal })) await write(entry.line.toString('utf8'))
    const { code } = await exited
    if (signal.aborted) throw new BerthError('invalid', 'Build cancelled')
    if (code !== 0) throw new RunFailed(`The command '${cmd.join(' ')}' returned a non-zero code: ${code}`, code)
  } finally {
    signal.removeEventListener('abort', onAbort)
  }
}
