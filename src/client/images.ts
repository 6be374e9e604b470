// /images/* endpoints.
import type { Readable } from 'node:stream'
import { filtersParam } from './filters.js'
import type { Transport } from './transport.js'
import type { DeleteItem, Filters, HistoryItem, ImageSummary } from './types.js'

const i = (ref: string) => `/images/${encodeURIComponent(ref)}`

export class Images {
  constructor(private readonly t: Transport) {}

  list(o: { all?: boolean; filters?: Filters; digests?: boolean } = {}): Promise<ImageSummary[]> {
    return this.t.json({ method: 'GET', path: '/images/json', query: { all: o.all, filters: filtersParam(o.filters), digests: o.digests } })
  }
  inspect(ref: string): Promise<Record<string, unknown>> {
    return this.t.json({ method: 'GET', path: `${i(ref)}/json` })
  }
  inspectRaw(ref: string): Promise<string> {
    return this.t.text({ method: 'GET', path: `${i(ref)}/json` }).then((r) => r.text)
  }
  history(ref: string): Promise<HistoryItem[]> {
    return this.t.json({ method: 'GET', path: `${i(ref)}/history` })
  }
  remove(ref: string, o: { force?: boolean; noprune?: boolean } = {}): Promise<DeleteItem[]> {
    return this.t.json({ method: 'DELETE', path: i(ref), query: { force: o.force, noprune: o.noprune } })
  }
  tag(ref: string, repo: string, tag?: string): Promise<number> {
    return this.t.empty({ method: 'POST', path: `${i(ref)}/tag`, query: { repo, tag } })
  }
  /** POST /images/load with a tar body; a JSON-lines stream answers. */
  load(tar: Readable, quiet: boolean): Promise<Readable> {
    // quiet=0 spelled out: dockerd (and berthd) treat a missing quiet as quiet
    return this.t.request({ method: 'POST', path: '/images/load', query: { quiet: quiet ? '1' : '0' }, body: tar, headers: { 'Content-Type': 'application/x-tar' } })
  }
  save(names: string[]): Promise<Readable> {
    return this.t.request({ method: 'GET', path: '/images/get', query: { names } })
  }
  /** POST /images/create?fromSrc=- (import) with the tarball as body, or fromSrc=<url>. */
  importImage(source: Readable | string, o: { repo?: string; tag?: string; message?: string; changes?: string[]; platform?: string }): Promise<Readable> {
    const fromSrc = typeof source === 'string' ? source : '-'
    return this.t.request({
      method: 'POST', path: '/images/create',
      query: { fromSrc, repo: o.repo, tag: o.tag, message: o.message, changes: o.changes, platform: o.platform },
      body: typeof source === 'string' ? undefined : source,
      headers: typeof source === 'string' ? {} : { 'Content-Type': 'application/x-tar' },
    })
  }
  /** POST /images/create?fromImage= (pull): JSON-lines progress. `auth` is the X-Registry-Auth value. */
  pull(fromImage: string, tag: string | undefined, platform?: string, auth?: string): Promise<Readable> {
    return this.t.request({ method: 'POST', path: '/images/create', query: { fromImage, tag, platform }, headers: auth ? { 'X-Registry-Auth': auth } : {} })
  }
  /** POST /images/{name}/push: JSON-lines progress; no tag pushes every tag of `name`. */
  push(name: string, tag: string | undefined, auth: string): Promise<Readable> {
    return this.t.request({ method: 'POST', path: `${i(name)}/push`, query: { tag }, headers: { 'X-Registry-Auth': auth } })
  }
  prune(filters?: Filters): Promise<{ ImagesDeleted: DeleteItem[] | null; SpaceReclaimed: number }> {
    return this.t.json({ method: 'POST', path: '/images/prune', query: { filters: filtersParam(filters) } })
  }
}
