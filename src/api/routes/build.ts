// POST /build: the classic builder (what `DOCKER_BUILDKIT=0 docker build` talks to). The query
// is decoded and the context unpacked before the response starts, so bad input is a plain 4xx
// as in dockerd; then the build streams JSON messages. X-Registry-Config is accepted and ignored.
import type { Engine } from '../../engine/engine.js'
import type { Route } from '../types.js'
import { jsonLine, progressStream, type ProgressWriter } from '../json-stream.js'
import { asObject, checkFields } from '../wire/decode.js'
import { boolParam, intParam } from '../wire/query.js'
import { BerthError, invalid } from '../../lib/errors.js'
import { formatReference, normalizeReference } from '../../lib/reference.js'
import { receiveContext, type BuildContext } from '../../build/context.js'
import { ignoreMatcher } from '../../lib/dockerignore.js'
import { prepareBuild, runBuild, type BuildOptions } from '../../build/builder.js'
import { RunFailed, type StepHostOptions } from '../../build/run-step.js'
import type { Ulimit } from '../../state/records.js'
import { engineBuildDeps } from '../../build/steps/wiring.js'

function jsonMap(q: URLSearchParams, key: string): Record<string, string | null> {
  const raw = q.get(key)
  if (!raw) return {}
  try {
    const v = JSON.parse(raw) as unknown
    if (v && typeof v === 'object' && !Array.isArray(v)) return v as Record<string, string | null>
  } catch {
    // fall through
  }
  throw invalid(`invalid ${key} parameter: ${raw}`)
}

/** dockerd's sanitizeRepoAndTags: each must parse, none may carry a digest; latest is added. */
function buildTags(q: URLSearchParams): string[] {
  const out: string[] = []
  for (const t of q.getAll('t')) {
    if (t === '') continue
    const ref = normalizeReference(t)
    if (ref.digest !== undefined) throw invalid('build tag cannot contain a digest')
    const s = formatReference(ref)
    if (!out.includes(s)) out.push(s)
  }
  return out
}

function ulimits(q: URLSearchParams): Ulimit[] {
  const raw = q.get('ulimits')
  if (!raw || raw === 'null') return []
  let v: unknown
  try {
    v = JSON.parse(raw)
  } catch {
    // reported below
  }
  if (!Array.isArray(v) || v.includes(null)) throw invalid(`invalid ulimits parameter: ${raw}`)
  // checked as a container create's HostConfig.Ulimits, so a bad entry is a 400 here, not a step's failure
  for (const u of v) checkFields(asObject(u, 'units.Ulimit'), { Name: 'string', Soft: 'int', Hard: 'int' }, 'Ulimit')
  return v as Ulimit[]
}

/** dockerd's hostConfigFromOptions: what every step container of the build gets. */
function stepHost(q: URLSearchParams): StepHostOptions {
  const int = (key: string) => intParam(q, key) ?? 0
  return {
    networkMode: q.get('networkmode') || 'default',
    extraHosts: q.getAll('extrahosts').filter((h) => h !== ''),
    shmSize: int('shmsize'),
    memory: int('memory'),
    memorySwap: int('memswap'),
    cpuShares: int('cpushares'),
    cpuPeriod: int('cpuperiod'),
    cpuQuota: int('cpuquota'),
    cpusetCpus: q.get('cpusetcpus') ?? '',
    cpusetMems: q.get('cpusetmems') ?? '',
    ulimits: ulimits(q),
  }
}

function options(q: URLSearchParams, ctx: BuildContext): BuildOptions {
  const labels = jsonMap(q, 'labels')
  const matcher = ignoreMatcher(ctx.ignore)
  return {
    dockerfile: ctx.dockerfile,
    context: { dir: ctx.dir, isExcluded: (rel) => matcher.isExcluded(rel) },
    tags: buildTags(q),
    buildArgs: new Map(Object.entries(jsonMap(q, 'buildargs'))),
    labels: Object.fromEntries(Object.entries(labels).map(([k, v]) => [k, v ?? ''])),
    target: q.get('target') || undefined,
    noCache: boolParam(q, 'nocache'),
    pull: boolParam(q, 'pull'),
    // dockerd: forcerm implies rm; an absent rm means rm
    remove: boolParam(q, 'forcerm') || q.get('rm') === null || q.get('rm') === '' || boolParam(q, 'rm'),
    forceRemove: boolParam(q, 'forcerm'),
    host: stepHost(q),
    platform: q.get('platform') || undefined,
  }
}

/** In quiet mode dockerd keeps the output and sends it only if the build fails. */
function quietWriter(out: ProgressWriter): { writer: ProgressWriter; flush(): Promise<void> } {
  const kept: string[] = []
  const writer: ProgressWriter = {
    ...out,
    progress: async () => false,
    write: async (m) => void kept.push(jsonLine(m)),
    status: async () => undefined,
    stream: async (text) => void kept.push(jsonLine({ stream: text })),
    aux: async () => undefined,
    signal: out.signal,
  }
  return { writer, flush: async () => { for (const l of kept) await out.write(JSON.parse(l) as object) } }
}

export function buildRoutes(engine: Engine): Route[] {
  return [
    {
      method: 'POST',
      pattern: '/build',
      handler: async ({ raw, query }) => {
        if (query.get('remote')) throw new BerthError('not-implemented', 'building from a remote context (remote=…) is not supported by berth; send the context as the request body')
        const q = query
        buildTags(q) // refused before the body is read, as dockerd does
        stepHost(q)
        // berthd has no experimental mode; cachefrom is accepted: the local image store is the cache anyway
        if (boolParam(q, 'squash')) throw invalid('squash is only supported with experimental mode')
        const ctx = await receiveContext(raw, { tmpDir: engine.paths.tmp, dockerfile: q.get('dockerfile') || undefined })
        let opts: BuildOptions
        let prepared: ReturnType<typeof prepareBuild>
        try {
          opts = options(q, ctx)
          prepared = prepareBuild(opts)
        } catch (e) {
          await ctx.cleanup()
          throw e
        }
        const quiet = boolParam(q, 'q')
        return {
          stream: progressStream(async (out) => {
            const q2 = quiet ? quietWriter(out) : undefined
            const w = q2?.writer ?? out
            try {
              const id = await runBuild(engineBuildDeps(engine), opts, prepared, {
                stream: (t) => w.stream(t),
                write: (m) => w.write(m),
                aux: (v) => w.aux(v),
                signal: out.signal,
              })
              if (quiet) await out.stream(`${id}\n`)
            } catch (e) {
              if (q2) await q2.flush()
              // a failed RUN's exit code becomes the docker CLI's exit status
              if (e instanceof RunFailed) return out.write({ errorDetail: { code: e.code, message: e.message }, error: e.message })
              throw e
            } finally {
              await ctx.cleanup()
            }
          }),
        }
      },
    },
  ]
}
