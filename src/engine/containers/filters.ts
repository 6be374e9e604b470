// `ps --filter`: Docker's filter keys over container records. Pure.
import { invalid } from '../../lib/errors.js'
import type { ContainerRecord } from '../../state/records.js'

export type Filters = Record<string, string[]>

const KEYS = new Set(['id', 'name', 'label', 'status', 'exited', 'ancestor', 'before', 'since', 'isolation', 'health', 'network', 'volume', 'publish', 'expose', 'is-task'])
const STATUSES = new Set(['created', 'restarting', 'running', 'removing', 'paused', 'exited', 'dead'])

/** Accepts both filter encodings Docker clients send: {"k":["v"]} and the old {"k":{"v":true}}. */
export function parseFilters(raw: string | null): Filters {
  if (!raw) return {}
  let parsed: unknown
  try {
    parsed = JSON.parse(raw)
  } catch {
    throw invalid(`invalid filter: ${raw}`)
  }
  const out: Filters = {}
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    out[k] = Array.isArray(v) ? v.map(String) : Object.keys(v as object)
  }
  return out
}

export function matchContainers(
  all: ContainerRecord[],
  filters: Filters,
  imageMatches: (ref: string, imageId: string) => boolean,
  /** names and IDs of the networks a container belongs to */
  networksOf: (c: ContainerRecord) => string[] = (c) => [networkName(c)],
): ContainerRecord[] {
  for (const k of Object.keys(filters)) if (!KEYS.has(k)) throw invalid(`invalid filter '${k}'`)
  for (const s of filters.status ?? []) if (!STATUSES.has(s)) throw invalid(`invalid filter 'status=${s}'`)
  const byRef = (ref: string) => all.find((c) => c.id === ref || c.name === ref || c.id.startsWith(ref))
  const created = (c: ContainerRecord) => Date.parse(c.created)
  return all.filter((c) => {
    const any = (key: string, test: (v: string) => boolean) => !filters[key] || filters[key]!.some(test)
    return (
      any('id', (v) => c.id.startsWith(v)) &&
      any('name', (v) => new RegExp(v).test(c.name)) &&
      any('status', (v) => v === c.state.status) &&
      any('exited', (v) => c.state.status === 'exited' && Number(v) === c.state.exitCode) &&
      (filters.label ?? []).every((v) => {
        const [k, val] = splitLabel(v)
        const have = c.config.Labels?.[k]
        return val === undefined ? have !== undefined : have === val
      }) &&
      any('ancestor', (v) => imageMatches(v, c.imageId)) &&
      any('before', (v) => {
        const ref = byRef(v)
        return !!ref && created(c) < created(ref)
      }) &&
      any('since', (v) => {
        const ref = byRef(v)
        return !!ref && created(c) > created(ref)
      }) &&
      any('network', (v) => networksOf(c).includes(v)) &&
      any('expose', (v) => Object.keys(c.config.ExposedPorts ?? {}).some((p) => p === v || p === `${v}/tcp`)) &&
      any('publish', (v) => publishes(c, v)) &&
      // berth has no volumes, health checks or swarm tasks yet: they match what Docker's would
      // match for a container without them.
      any('volume', () => false) &&
      any('health', (v) => v === 'none') &&
      any('is-task', (v) => v === 'false') &&
      any('isolation', (v) => v === 'default' || v === '')
    )
  })
}

/** `publish=80`, `80/udp` or `8000-8080/tcp`: a container port published by the current run. */
function publishes(c: ContainerRecord, v: string): boolean {
  const [range = '', proto = 'tcp'] = v.split('/')
  const [lo, hi = lo] = range.split('-').map(Number)
  if (lo === undefined || Number.isNaN(lo) || Number.isNaN(hi)) throw invalid(`invalid filter 'publish=${v}'`)
  return (c.ports ?? []).some((p) => p.proto === proto && p.containerPort >= lo && p.containerPort <= hi!)
}

/** The network a container is on, by the name Docker reports (`bridge` for the default). */
const networkName = (c: ContainerRecord) => {
  const mode = c.hostConfig.NetworkMode
  return mode === 'default' || mode === '' ? 'bridge' : mode
}

function splitLabel(v: string): [string, string | undefined] {
  const i = v.indexOf('=')
  return i < 0 ? [v, undefined] : [v.slice(0, i), v.slice(i + 1)]
}
