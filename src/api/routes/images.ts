// Image routes: list, inspect, history, tag, remove, prune, load, save, import (local sources only), pull.
import type { Engine } from '../../engine/engine.js'
import type { ApiResult, Route } from '../types.js'
import { historyJson, imageInspectJson, imageSummaryJson, pruneOptions, pruneReportJson } from '../wire/images.js'
import { parseFilters } from '../../engine/containers/filters.js'
import { progressStream, type JsonMessage } from '../json-stream.js'
import { isNameOnly, pullReference } from '../../engine/images/pull.js'
import { decodeAuthHeader } from '../../registry/auth.js'
import { formatReference } from '../../lib/reference.js'
import { BerthError, invalid } from '../../lib/errors.js'
import { boolParam } from '../wire/query.js'
import { untilMs } from '../wire/time.js'

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
        const filters = parseFilters(query.get('filters'))
        const until = (filters.until ?? []).map((v) => untilMs(v, Date.now()))
        const list = images.list({ all: boolParam(query, 'all'), filters, until })
        const shared = boolParam(query, 'shared-size') ? images.sharedSizes(list.map((s) => s.record)) : undefined
        return { json: list.map((s) => imageSummaryJson(s, usersOf(s.record.id).length, version, shared?.get(s.record.id))) }
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
        // as dockerd: quiet unless the client says otherwise (the docker CLI sends quiet=0 on a TTY)
        const quiet = query.has('quiet') ? boolParam(query, 'quiet') : true
        return {
          stream: progressStream(async (out) => {
            await images.load(raw, (line) => out.stream(`${line}\n`), quiet ? undefined : out.progress)
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
      handler: async ({ raw, query, headers }) => {
        const src = query.get('fromSrc')
        if (src === null) {
          const parsed = pullReference(query.get('fromImage') ?? '', query.get('tag') || undefined)
          const ref = formatReference(parsed)
          const authHeader = headers['x-registry-auth']
          const auth = decodeAuthHeader(Array.isArray(authHeader) ? authHeader[0] : authHeader)
          const platform = query.get('platform') || undefined
          const opts = { platform, auth }
          // no tag and no digest: every tag of the repository (docker pull -a), as dockerd
          if (isNameOnly(parsed)) return pullStream((onProgress, signal) => images.pullAllTags(ref, { ...opts, onProgress, signal }))
          return pullStream((onProgress, signal) => images.pull(ref, { ...opts, onProgress, signal }))
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

/**
 * Runs a pull. As dockerd: a failure before the first progress line is the HTTP answer (404
 * manifest unknown, 400…); once a line went out, a failure is the stream's last line. The
 * client going away aborts the pull.
 */
async function pullStream(run: (onProgress: (m: JsonMessage) => void, signal: AbortSignal) => Promise<unknown>): Promise<ApiResult> {
  const queue: JsonMessage[] = []
  let wake: (() => void) | undefined
  let sawFirst!: () => void
  const first = new Promise<void>((r) => (sawFirst = r))
  const abort = new AbortController()
  const done = run((m) => {
    queue.push(m)
    sawFirst()
    wake?.()
  }, abort.signal)
  await Promise.race([first, done])
  let finished = false
  let failure: unknown
  done.then(() => (finished = true), (e: unknown) => {
    finished = true
    failure = e ?? new Error('pull failed')
  }).finally(() => wake?.())
  return {
    stream: progressStream(async (out) => {
      out.signal.addEventListener('abort', () => abort.abort(), { once: true })
      for (;;) {
        while (queue.length > 0) await out.write(queue.shift()!)
        if (finished) {
          if (failure !== undefined) throw failure
          return
        }
        await new Promise<void>((r) => (wake = r))
        wake = undefined
      }
    }),
  }
}
