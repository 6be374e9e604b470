// /containers/* endpoints. Methods take a ref (name, ID or prefix) as the user typed it.
import type { Readable } from 'node:stream'
import type { ChangeItem, ContainerInspect, ContainerSummary, Filters, TopResponse, WaitResponse } from './types.js'
import { filtersParam } from './filters.js'
import { readAll, type Hijacked, type Transport } from './transport.js'
import { containerCreateBody } from './version-gates.js'

const c = (ref: string) => `/containers/${encodeURIComponent(ref)}`

export interface ListOptions { all?: boolean; limit?: number; size?: boolean; filters?: Filters }
export interface LogsOptions {
  follow?: boolean; stdout?: boolean; stderr?: boolean; since?: string; until?: string
  timestamps?: boolean; tail?: string; details?: boolean
}
export interface AttachOptions { stream?: boolean; logs?: boolean; stdin?: boolean; stdout?: boolean; stderr?: boolean; detachKeys?: string }

export class Containers {
  constructor(private readonly t: Transport) {}

  list(o: ListOptions = {}): Promise<ContainerSummary[]> {
    return this.t.json({ method: 'GET', path: '/containers/json', query: { all: o.all, limit: o.limit && o.limit > 0 ? o.limit : undefined, size: o.size, filters: filtersParam(o.filters) } })
  }
  async create(body: Record<string, unknown>, q: { name?: string; platform?: string } = {}): Promise<{ Id: string; Warnings: string[] | null }> {
    const sent = containerCreateBody(body, await this.t.apiVersion())
    return this.t.json({ method: 'POST', path: '/containers/create', query: q, body: sent })
  }
  inspect(ref: string, size = false): Promise<ContainerInspect> {
    return this.t.json({ method: 'GET', path: `${c(ref)}/json`, query: { size } })
  }
  /** The daemon's bytes unchanged, so inspect output keeps its exact numbers and escapes. */
  inspectRaw(ref: string, size = false): Promise<string> {
    return this.t.text({ method: 'GET', path: `${c(ref)}/json`, query: { size } }).then((r) => r.text)
  }
  start(ref: string, detachKeys?: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/start`, query: { detachKeys } })
  }
  stop(ref: string, o: { time?: number; signal?: string } = {}): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/stop`, query: { t: o.time, signal: o.signal } })
  }
  restart(ref: string, o: { time?: number; signal?: string } = {}): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/restart`, query: { t: o.time, signal: o.signal } })
  }
  kill(ref: string, signal?: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/kill`, query: { signal } })
  }
  remove(ref: string, o: { force?: boolean; volumes?: boolean; link?: boolean } = {}): Promise<number> {
    return this.t.empty({ method: 'DELETE', path: c(ref), query: { force: o.force, v: o.volumes, link: o.link } })
  }
  wait(ref: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<WaitResponse> {
    return this.t.json({ method: 'POST', path: `${c(ref)}/wait`, query: { condition } })
  }
  /** Like wait, but hands back the pending request so run can open it before start. */
  async waitStream(ref: string, condition?: 'not-running' | 'next-exit' | 'removed'): Promise<Promise<WaitResponse>> {
    const res = await this.t.request({ method: 'POST', path: `${c(ref)}/wait`, query: { condition } })
    return readAll(res).then((b) => JSON.parse(b.toString()) as WaitResponse)
  }
  logs(ref: string, o: LogsOptions): Promise<Readable> {
    return this.t.request({
      method: 'GET', path: `${c(ref)}/logs`,
      query: { stdout: o.stdout, stderr: o.stderr, follow: o.follow, since: o.since, until: o.until, timestamps: o.timestamps, tail: o.tail, details: o.details },
    })
  }
  attach(ref: string, o: AttachOptions): Promise<Hijacked> {
    return this.t.hijack({ method: 'POST', path: `${c(ref)}/attach`, query: { stream: o.stream, logs: o.logs, stdin: o.stdin, stdout: o.stdout, stderr: o.stderr, detachKeys: o.detachKeys } })
  }
  resize(ref: string, h: number, w: number): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/resize`, query: { h, w } })
  }
  top(ref: string, psArgs?: string): Promise<TopResponse> {
    return this.t.json({ method: 'GET', path: `${c(ref)}/top`, query: { ps_args: psArgs } })
  }
  rename(ref: string, name: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/rename`, query: { name } })
  }
  pause(ref: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/pause` })
  }
  unpause(ref: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${c(ref)}/unpause` })
  }
  changes(ref: string): Promise<ChangeItem[] | null> {
    return this.t.json({ method: 'GET', path: `${c(ref)}/changes` })
  }
  /** GET archive: a tar stream plus the stat of the path (X-Docker-Container-Path-Stat). */
  async getArchive(ref: string, path: string): Promise<{ tar: Readable; stat: PathStat }> {
    const res = await this.t.request({ method: 'GET', path: `${c(ref)}/archive`, query: { path } })
    return { tar: res, stat: decodeStat(res.headers['x-docker-container-path-stat']) }
  }
  async statPath(ref: string, path: string): Promise<PathStat> {
    const res = await this.t.request({ method: 'HEAD', path: `${c(ref)}/archive`, query: { path } })
    res.resume()
    return decodeStat(res.headers['x-docker-container-path-stat'])
  }
  putArchive(ref: string, path: string, tar: Readable, o: { noOverwriteDirNonDir?: boolean; copyUIDGID?: boolean } = {}): Promise<number> {
    return this.t.request({
      method: 'PUT', path: `${c(ref)}/archive`, query: { path, noOverwriteDirNonDir: o.noOverwriteDirNonDir, copyUIDGID: o.copyUIDGID },
      body: tar, headers: { 'Content-Type': 'application/x-tar' },
    }).then((res) => { res.resume(); return res.statusCode ?? 200 })
  }
  /** POST /commit: the container's writable layer becomes an image; answers its ID. */
  commit(ref: string, o: CommitOptions = {}): Promise<{ Id: string }> {
    return this.t.json({
      method: 'POST', path: '/commit',
      query: { container: ref, repo: o.repo, tag: o.tag, author: o.author, comment: o.comment, changes: o.changes, pause: o.pause === false ? '0' : undefined },
    })
  }
  /** GET export: the container's root filesystem as a tar stream. */
  export(ref: string): Promise<Readable> {
    return this.t.request({ method: 'GET', path: `${c(ref)}/export` })
  }
  prune(filters?: Filters): Promise<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }> {
    return this.t.json({ method: 'POST', path: '/containers/prune', query: { filters: filtersParam(filters) } })
  }
}

export interface CommitOptions { repo?: string; tag?: string; author?: string; comment?: string; changes?: string[]; pause?: boolean }

export interface PathStat { name: string; size: number; mode: number; mtime: string; linkTarget: string }

function decodeStat(h: string | string[] | undefined): PathStat {
  const v = Array.isArray(h) ? h[0] : h
  if (!v) return { name: '', size: 0, mode: 0, mtime: '', linkTarget: '' }
  return JSON.parse(Buffer.from(v, 'base64').toString()) as PathStat
}
