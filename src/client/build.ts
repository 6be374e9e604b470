// POST /build: the context tar as the body, the build's options as Docker's query parameters.
import type { Readable } from 'node:stream'
import type { Transport } from './transport.js'

export interface BuildQuery {
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
    },
    body: context,
    headers: { 'Content-Type': 'application/x-tar' },
  })
}
