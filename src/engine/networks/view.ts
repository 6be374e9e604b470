// Small shared readings of records for the network modules.
import type { ContainerRecord, DockerHostConfig, NetworkRecord } from '../../state/records.js'

/** What the network service reads of containers. */
export interface ContainerView {
  all(): ContainerRecord[]
  get(id: string): ContainerRecord | undefined
  resolve(ref: string): ContainerRecord
  find(ref: string): ContainerRecord | undefined
  save(c: ContainerRecord): void
  locked<T>(id: string, fn: () => Promise<T>): Promise<T>
}

export const linksOf = (hc: DockerHostConfig) => (hc.Links as string[] | null | undefined) ?? []
export const isRunning = (c: ContainerRecord | undefined) => !!c && (c.state.status === 'running' || c.state.status === 'paused')
export const isUserBridge = (n: NetworkRecord) => n.driver === 'bridge' && !n.builtin
