// Image routes: list, inspect, history, tag, remove, prune, load, save, import (local sources only).
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { historyJson, imageInspectJson, imageSummaryJson, pruneOptions, pruneReportJson } from '../wire/images.js'
import { parseFilters } from '../../engine/containers/filters.js'
import { progressStream } from '../json-stream.js'
import { BerthError, invalid } from '../../lib/errors.js'
import { boolParam } from '../wire/query.js'

export function imageRoutes(engine: Engine): Route[] {
  const images = engine.images
  const usersOf = (imageId: string) => engine.containers.list().filter((c) => c.imageId === imageId)
  const isRunning = (c: { state: { status: string } }) => c.state.status === 'running' || c.state.status === 'paused'
  // a running user wins: it is the conflict force cannot override
  const inUse = (imageId: string) => {
    const users = usersOf(imageId)
    const c = users.find(isRunning) ?? users[0]
    return c ? { id: c.id, running: isRunning(c) } : undefined
  }
  const heldDirs = () => new Set(engine.containers.list().flatMap((c) => c.lowerDirs))

  return [
    {
      method: 'GET',
      pattern: '/images/json',
      handler: ({ query, version }) => {
        const list = images.list({ all: boolParam(query, 'all'), filters: parseFilters(query.get('filters')) })
        return { json: list.map((s) => imageSummaryJson(s, usersOf(s.record.id).length, version)) }
      },
    },
    {
      method: 'GET',
      pattern: '/images/{name*}/json',
      handler: ({ params, version }) => {
        const s = images.inspect(params.name!)
        return { json: imageInspectJson(s, version, images.lowerDirs(s.record.id)) }
      },
    },
    {
      method: 'GET',
      pattern: '/images/{name*}/history',
      handler: ({ params }) => ({ json: historyJson(images.history(params.name!)) }),
    },
    {
      method: 'POST',
      pattern: '/images/{name*}/tag',
      handler: ({ params, query }) => {
        const repo = query.get('repo')
        if (!repo) throw invalid('repository name must have at least one component')
        images.tag(params.name!, repo, query.get('tag') || undefined)
        return { status: 201, empty: true }
      },
    },
    {
      method: 'DELETE',
      pattern: '/images/{name*}',
      handler: async ({ params, query }) => ({
        json: await images.remove(params.name!, { force: boolParam(query, 'force'), noPrune: boolParam(query, 'noprune') }, inUse, heldDirs),
      }),
    },
    {
      method: 'POST',
      pattern: '/images/prune',
      minVersion: '1.25',
      handler: async ({ query }) => ({
        json: pruneReportJson(await images.prune(pruneOptions(parseFilters(query.get('filters'))), inUse, heldDirs)),
      }),
    },
    {
      method: 'POST',
      pattern: '/images/load',
      handler: ({ raw, query }) => {
        const quiet = boolParam(query, 'quiet')
        return {
          stream: progressStream(async (out) => {
            await images.load(raw, (line) => out.stream(`${line}\n`))
            if (!quiet) return
          }),
        }
      },
    },
    {
      method: 'GET',
      pattern: '/images/get',
      handler: ({ query }) => {
        const names = query.getAll('names')
        if (names.length === 0) throw invalid('no image names given')
        for (const n of names) images.resolve(n)
        return { stream: images.save(names), contentType: 'application/x-tar' }
      },
    },
    {
      method: 'GET',
      pattern: '/images/{name*}/get',
      handler: ({ params }) => {
        images.resolve(params.name!)
        return { stream: images.save([params.name!]), contentType: 'application/x-tar' }
      },
    },
    {
      method: 'POST',
      pattern: '/images/create',
      handler: ({ raw, query }) => {
        const src = query.get('fromSrc')
        if (src === null) {
          const image = query.get('fromImage') ?? ''
          throw new BerthError('not-found', `pull access denied for ${image}: no registry can be reached yet (pull is not implemented)`)
        }
        if (src !== '-') throw new BerthError('not-implemented', 'import from a URL is not supported; pipe the tarball to stdin')
        const repo = query.get('repo')
        const tag = query.get('tag')
        const ref = repo ? (tag ? `${repo}:${tag}` : repo) : undefined
        const opts = { ref, changes: query.getAll('changes'), message: query.get('message') ?? undefined }
        images.checkImport(opts) // as dockerd: a bad --change is a 400, not a line in the stream
        return {
          stream: progressStream(async (out) => {
            const id = await images.import(raw, opts)
            out.status(id)
          }),
        }
      },
    },
  ]
}
