import { test } from 'node:test'
import assert from 'node:assert/strict'
import { BerthError } from '../../lib/errors.js'
import { resourcesFor, type ResourceRequest } from './resources.js'

const MiB = 1024 * 1024
const ok: Array<[string, ResourceRequest, object]> = [
  ['nothing set', {}, {}],
  ['zeros mean unset', { memory: 0, memorySwap: 0, nanoCpus: 0, cpuShares: 0 }, {}],
  ['memory alone: swap defaults to twice', { memory: 64 * MiB }, { memory: { limit: 64 * MiB, swap: 128 * MiB } }],
  ['memory and swap', { memory: 64 * MiB, memorySwap: 96 * MiB }, { memory: { limit: 64 * MiB, swap: 96 * MiB } }],
  ['unlimited swap', { memory: 64 * MiB, memorySwap: -1 }, { memory: { limit: 64 * MiB } }],
  ['--cpus 1.5', { nanoCpus: 1.5e9 }, { cpu: { period: 100000, quota: 150000 } }],
  ['shares, quota, period, cpuset', { cpuShares: 512, cpuQuota: 50000, cpuPeriod: 100000, cpusetCpus: '0-1' }, { cpu: { shares: 512, cpus: '0-1', period: 100000, quota: 50000 } }],
  ['pids limit', { pidsLimit: 20 }, { pids: { limit: 20 } }],
  ['pids limit 0 is unlimited', { pidsLimit: 0 }, { pids: { limit: -1 } }],
]
for (const [name, req, want] of ok) test(name, () => assert.deepEqual(resourcesFor(req), want))

const bad: Array<[ResourceRequest, string]> = [
  [{ memory: 1024 }, 'Minimum memory limit allowed is 6MB'],
  [{ memorySwap: 64 * MiB }, 'You should always set the Memory limit when using Memoryswap limit, see usage'],
  [{ memory: 64 * MiB, memorySwap: 32 * MiB }, 'Minimum memoryswap limit should be larger than memory limit, see usage'],
  [{ nanoCpus: 1e9, cpuQuota: 50000 }, 'Conflicting options: Nano CPUs and CPU Quota cannot both be set'],
  [{ nanoCpus: 1e9, cpuPeriod: 50000 }, 'Conflicting options: Nano CPUs and CPU Period cannot both be set'],
  [{ cpuShares: -2 }, 'invalid CPU shares (-2): value must be a positive integer'],
]
for (const [req, message] of bad) {
  test(`refused: ${message}`, () => assert.throws(() => resourcesFor(req), (e: unknown) => e instanceof BerthError && e.kind === 'invalid' && e.message === message))
}
