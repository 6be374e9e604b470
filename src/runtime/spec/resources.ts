// Container resource limits → `linux.resources` for cgroup v1 (pure).
//
// Values follow Docker's HostConfig: 0 or absent means "not set". Memory swap is memory+swap
// (memory.memsw.limit_in_bytes): unset with a memory limit means twice the memory, as Docker
// fills it in at create; -1 means unlimited swap (nothing written). NanoCpus becomes a CFS quota
// over a 100 ms period. A pids limit ≤ 0 means unlimited (-1, as Docker passes it to runc).

import { BerthError } from '../../lib/errors.js'
import type { OciResources } from './types.js'

export interface ResourceRequest {
  memory?: number
  memorySwap?: number
  nanoCpus?: number
  cpuShares?: number
  cpuQuota?: number
  cpuPeriod?: number
  pidsLimit?: number
  cpusetCpus?: string
}

const MIN_MEMORY = 6 * 1024 * 1024
const CFS_PERIOD_US = 100_000

/** Docker's create-time checks (verifyPlatformContainerResources), with Docker's messages. */
export function validateResources(r: ResourceRequest): void {
  const memory = r.memory ?? 0
  const swap = r.memorySwap ?? 0
  if (memory < 0) throw new BerthError('invalid', 'invalid memory limit: value must be positive')
  if (memory > 0 && memory < MIN_MEMORY) throw new BerthError('invalid', 'Minimum memory limit allowed is 6MB')
  if (swap > 0 && memory === 0) {
    throw new BerthError('invalid', 'You should always set the Memory limit when using Memoryswap limit, see usage')
  }
  if (memory > 0 && swap > 0 && swap < memory) {
    throw new BerthError('invalid', 'Minimum memoryswap limit should be larger than memory limit, see usage')
  }
  if (r.nanoCpus && r.cpuQuota) throw new BerthError('invalid', 'Conflicting options: Nano CPUs and CPU Quota cannot both be set')
  if (r.nanoCpus && r.cpuPeriod) throw new BerthError('invalid', 'Conflicting options: Nano CPUs and CPU Period cannot both be set')
  if ((r.nanoCpus ?? 0) < 0) throw new BerthError('invalid', 'invalid value: NanoCPUs must be positive')
  if ((r.cpuShares ?? 0) < 0) {
    throw new BerthError('invalid', `invalid CPU shares (${r.cpuShares}): value must be a positive integer`)
  }
  if (r.cpuPeriod && (r.cpuPeriod < 1000 || r.cpuPeriod > 1_000_000)) {
    throw new BerthError('invalid', 'CPU cfs period can not be less than 1ms (i.e. 1000) or larger than 1s (i.e. 1000000)')
  }
  if (r.cpuQuota && r.cpuQuota > 0 && r.cpuQuota < 1000) {
    throw new BerthError('invalid', 'CPU cfs quota can not be less than 1ms (i.e. 1000)')
  }
}

/** The limits part of linux.resources; the devices rules are added by the caller. */
export function resourcesFor(r: ResourceRequest): Omit<OciResources, 'devices'> {
  validateResources(r)
  const out: Omit<OciResources, 'devices'> = {}
  const memory = r.memory ?? 0
  if (memory > 0) {
    const swap = r.memorySwap ?? 0
    out.memory = { limit: memory }
    if (swap > 0) out.memory.swap = swap
    else if (swap === 0) out.memory.swap = memory * 2
  }
  const cpu: NonNullable<OciResources['cpu']> = {}
  if (r.cpuShares) cpu.shares = r.cpuShares
  if (r.cpusetCpus) cpu.cpus = r.cpusetCpus
  if (r.nanoCpus) {
    cpu.period = CFS_PERIOD_US
    cpu.quota = Math.floor((r.nanoCpus * CFS_PERIOD_US) / 1e9)
  }
  if (r.cpuPeriod) cpu.period = r.cpuPeriod
  if (r.cpuQuota) cpu.quota = r.cpuQuota
  if (Object.keys(cpu).length) out.cpu = cpu
  if (r.pidsLimit !== undefined && r.pidsLimit !== null) out.pids = { limit: r.pidsLimit > 0 ? r.pidsLimit : -1 }
  return out
}
