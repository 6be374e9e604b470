// POST /build: the context tar as the body, the build's options as Docker's query parameters.
import type { Readable } from 'node:stream'
import type { Transport } from './transport.js'

/** What every RUN container of the build gets (the legacy builder's resource flags); zero is "not set". */
export interface BuildResources {
  extraHosts: string[]
  shmSize: number
  memory: number
  memorySwap: number
  cpuShares: number
  cpuPeriod: number
  cpuQuota: number
  cpusetCpus?: string
  cpusetMems?: string
  ulimits: Array<{ Name: string; Soft: number; Hard: number }>
}

export interface BuildQuery extends BuildResources {
  tags: string[]
  dockerfile?: string
  buildArgs: Record<string, string | null>
  labels: Record<string, string>
  target?: string
  noCache: boolean
  pull: boolean
  quiet: boolean
  remove: boolean
  forceRemove: boolean
  networkMode?: string
  platform?: string
  cacheFrom: string[]
  squash: boolean
}

/** Sends the build; the answer is a JSON-lines stream. */
export function buildImage(t: Transport, context: Readable, o: BuildQuery): Promise<Readable> {
  return t.request({
    method: 'POST',
    path: '/build',
    query: {
      t: o.tags,
      dockerfile: o.dockerfile,
      buildargs: JSON.stringify(o.buildArgs),
      labels: JSON.stringify(o.labels),
      target: o.target,
      nocache: o.noCache,
      pull: o.pull,
      q: o.quiet,
      // rm=0 must be spelled out: an absent rm means rm
      rm: o.remove ? '1' : '0',
      forcerm: o.forceRemove,
      networkmode: o.networkMode,
      platform: o.platform,
      extrahosts: o.extraHosts,
      // zero is "not set" on the daemon's side, as the docker CLI sends them
      shmsize: o.shmSize,
      memory: o.memory,
      memswap: o.memorySwap,
      cpushares: o.cpuShares,
      cpuperiod: o.cpuPeriod,
      cpuquota: o.cpuQuota,
      cpusetcpus: o.cpusetCpus,
      cpusetmems: o.cpusetMems,
      ulimits: JSON.stringify(o.ulimits),
      cachefrom: JSON.stringify(o.cacheFrom),
      squash: o.squash,
    },
    body: context,
    headers: { 'Content-Type': 'application/x-tar' },
  })
}
