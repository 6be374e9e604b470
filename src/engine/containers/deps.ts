// What the container service needs from the rest of the engine, and nothing more.
import type { Paths } from '../../lib/paths.js'
import type { ImageRecord } from '../../state/records.js'
import type { Runc } from '../../runtime/runc.js'
import type { EventBus } from '../events.js'
import type { ContainerStore } from './store.js'
import type { AttachHub } from './attach.js'
import type { ExitWaiters } from './waiters.js'
import type { ContainerRecord, DockerConfig, DockerHostConfig, EndpointConfig } from '../../state/records.js'
import type { RunNetwork } from '../networks/service.js'
import type { VolumeHooks } from '../volumes/types.js'

/** What containers need of the network service. */
export interface NetworkHooks {
  membership(config: DockerConfig, hc: DockerHostConfig, endpoints: Record<string, EndpointConfig | null> | undefined): Record<string, EndpointConfig>
  checkPorts(hc: DockerHostConfig, config: DockerConfig): void
  ownsSandbox(c: ContainerRecord): boolean
  startRun(c: ContainerRecord, hostResolv: string): Promise<RunNetwork>
  endRun(c: ContainerRecord): Promise<void>
}

export interface ImageLookup {
  resolve(ref: string): ImageRecord
  lowerDirs(imageId: string): string[]
  /** Frees layers of removed images that no container in `held` mounts any more. */
  collectOrphans(held: () => ReadonlySet<string>): Promise<void>
}

/** Facts about the host read once at daemon start. */
export interface HostFacts {
  boundingCaps: string[]
  hardLimits: Record<string, number | 'unlimited'>
  defaultSeccomp: unknown
  kernelRelease: string
  initPath: string
  defaultUlimits: Array<{ Name: string; Soft: number; Hard: number }>
  cgroupParent: string
}

export interface ContainerDeps {
  store: ContainerStore
  images: ImageLookup
  paths: Paths
  runc: Runc
  events: EventBus
  attachHub: AttachHub
  waiters: ExitWaiters
  host: HostFacts
  network: NetworkHooks
  volumes: VolumeHooks
}
