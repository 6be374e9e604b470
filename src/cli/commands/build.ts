// `berth build [OPTIONS] PATH | -`: sends the context as the docker CLI's legacy builder does
// (printing "Sending build context to Docker daemon  2.048kB") and renders the build's output.
// The exit status is the failing RUN's, as docker's (errorDetail.code).
import { writeFile } from 'node:fs/promises'
import { Transform } from 'node:stream'
import { buildImage, type BuildResources } from '../../client/build.js'
import { prepareContext } from '../../client/build-context.js'
import { createFlags } from '../flags/container.js'
import { extraHost } from '../flags/host-opts.js'
import type { FlagSpec } from '../flags/parser.js'
import { parseInt64, parseUlimit, ramInBytes, swapInBytes } from '../flags/units.js'
import { humanSizeDefault } from '../output/human.js'
import { JsonStreamError, renderJsonMessages, terminalOf } from '../output/progress.js'
import { StatusError, type CommandModule } from '../command.js'

export interface BuildCliOptions extends BuildResources {
  context: string
  tags: string[]
  file?: string
  buildArgs: string[]
  labels: string[]
  target?: string
  noCache: boolean
  pull: boolean
  quiet: boolean
  iidfile?: string
  network?: string
  rm: boolean
  forceRm: boolean
  platform?: string
  cacheFrom: string[]
  squash: boolean
}

/** The container flags `build` shares with `run`, checked the same way. */
const RUN_FLAGS = ['add-host', 'cpu-shares', 'memory', 'memory-swap', 'shm-size', 'ulimit']
const shared: FlagSpec[] = createFlags.filter((f) => RUN_FLAGS.includes(f.long))

/** `K=V` as given; a bare `K` takes the value from the environment, else null (docker's ValidateEnv). */
export function buildArgsMap(list: readonly string[], env: NodeJS.ProcessEnv): Record<string, string | null> {
  const out: Record<string, string | null> = {}
  for (const item of list) {
    const i = item.indexOf('=')
    if (i === 0) throw new StatusError(125, `invalid argument "${item}" for "--build-arg" flag: invalid environment variable: ${item}`)
    if (i > 0) out[item.slice(0, i)] = item.slice(i + 1)
    else out[item] = env[item] ?? null
  }
  return out
}

export function labelsMap(list: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {}
  for (const item of list) {
    const i = item.indexOf('=')
    if (i < 0) out[item] = ''
    else out[item.slice(0, i)] = item.slice(i + 1)
  }
  return out
}

export const command: CommandModule<BuildCliOptions> = {
  usage: '[OPTIONS] PATH | URL | -',
  description: 'Build an image from a Dockerfile',
  // listed by name, as docker's --help
  flags: ([
    ...shared,
    { long: 'build-arg', kind: 'list', type: 'list', help: 'Set build-time variables' },
    { long: 'cache-from', kind: 'list', type: 'list', help: 'Images to consider as cache sources' },
    { long: 'cpu-period', kind: 'value', type: 'int', help: 'Limit the CPU CFS (Completely Fair Scheduler) period', check: (v) => void parseInt64(v) },
    { long: 'cpu-quota', kind: 'value', type: 'int', help: 'Limit the CPU CFS (Completely Fair Scheduler) quota', check: (v) => void parseInt64(v) },
    { long: 'cpuset-cpus', kind: 'value', type: 'string', help: 'CPUs in which to allow execution (0-3, 0,1)' },
    { long: 'cpuset-mems', kind: 'value', type: 'string', help: 'MEMs in which to allow execution (0-3, 0,1)' },
    { long: 'squash', kind: 'bool', help: 'Squash newly built layers into a single new layer' },
    { long: 'file', short: 'f', kind: 'value', type: 'string', help: "Name of the Dockerfile (Default is 'PATH/Dockerfile')" },
    { long: 'force-rm', kind: 'bool', help: 'Always remove intermediate containers' },
    { long: 'iidfile', kind: 'value', type: 'string', help: 'Write the image ID to the file' },
    { long: 'label', kind: 'list', type: 'list', help: 'Set metadata for an image' },
    { long: 'network', kind: 'value', type: 'string', help: 'Set the networking mode for the RUN instructions during build', defaultText: '"default"' },
    { long: 'no-cache', kind: 'bool', help: 'Do not use cache when building the image' },
    { long: 'platform', kind: 'value', type: 'string', help: 'Set platform if server is multi-platform capable' },
    { long: 'pull', kind: 'bool', help: 'Always attempt to pull a newer version of the image' },
    { long: 'quiet', short: 'q', kind: 'bool', help: 'Suppress the build output and print image ID on success' },
    { long: 'rm', kind: 'bool', help: 'Remove intermediate containers after a successful build', defaultText: 'true' },
    { long: 'tag', short: 't', kind: 'list', type: 'list', help: "Name and optionally a tag in the 'name:tag' format" },
    { long: 'target', kind: 'value', type: 'string', help: 'Set the target build stage to build.' },
  ] satisfies FlagSpec[]).sort((a, b) => a.long.localeCompare(b.long)),
  args: { min: 1, max: 1 },
  parse: (p) => ({
    context: p.args[0]!,
    tags: p.list('tag'),
    file: p.str('file'),
    buildArgs: p.list('build-arg'),
    labels: p.list('label'),
    target: p.str('target'),
    noCache: p.bool('no-cache'),
    pull: p.bool('pull'),
    quiet: p.bool('quiet'),
    iidfile: p.str('iidfile'),
    network: p.str('network'),
    rm: p.bool('rm', true),
    forceRm: p.bool('force-rm'),
    platform: p.str('platform'),
    extraHosts: p.list('add-host').map(extraHost),
    shmSize: p.has('shm-size') ? ramInBytes(p.str('shm-size')!) : 0,
    memory: p.has('memory') ? ramInBytes(p.str('memory')!) : 0,
    memorySwap: p.has('memory-swap') ? swapInBytes(p.str('memory-swap')!) : 0,
    cpuShares: p.has('cpu-shares') ? parseInt64(p.str('cpu-shares')!) : 0,
    cpuPeriod: p.has('cpu-period') ? parseInt64(p.str('cpu-period')!) : 0,
    cpuQuota: p.has('cpu-quota') ? parseInt64(p.str('cpu-quota')!) : 0,
    cpusetCpus: p.str('cpuset-cpus'),
    cpusetMems: p.str('cpuset-mems'),
    ulimits: p.list('ulimit').map(parseUlimit),
    cacheFrom: p.list('cache-from'),
    squash: p.bool('squash'),
  }),
  run: async (o, ctx) => {
    if (/^(https?|git):\/\//.test(o.context)) throw new StatusError(1, 'building from a URL is not supported by berth; clone or download the context first')
    // the docker CLI asks the daemon first and refuses an experimental-only flag in its own words
    if (o.squash && (await ctx.client.system.info()).ExperimentalBuild !== true) {
      throw new StatusError(1, '"--squash" is only supported on a Docker daemon with experimental features enabled')
    }
    const prepared = await prepareContext({ context: o.context, dockerfile: o.file, stdin: ctx.stdin })
    let sent = 0
    const counting = new Transform({
      transform(chunk: Buffer, _enc, done) {
        sent += chunk.length
        done(null, chunk)
      },
    })
    prepared.body.on('error', (e) => counting.destroy(e))
    // printed once the context is sent, as docker does, even when the daemon then refuses the build
    if (!o.quiet) counting.once('end', () => ctx.stdout.write(`Sending build context to Docker daemon  ${humanSizeDefault(sent)}\n`))
    const res = await buildImage(ctx.client.transport, prepared.body.pipe(counting), {
      tags: o.tags,
      dockerfile: prepared.dockerfile,
      buildArgs: buildArgsMap(o.buildArgs, ctx.env),
      labels: labelsMap(o.labels),
      target: o.target,
      noCache: o.noCache,
      pull: o.pull,
      quiet: o.quiet,
      remove: o.rm,
      forceRemove: o.forceRm,
      networkMode: o.network,
      platform: o.platform,
      extraHosts: o.extraHosts,
      shmSize: o.shmSize,
      memory: o.memory,
      memorySwap: o.memorySwap,
      cpuShares: o.cpuShares,
      cpuPeriod: o.cpuPeriod,
      cpuQuota: o.cpuQuota,
      cpusetCpus: o.cpusetCpus,
      cpusetMems: o.cpusetMems,
      ulimits: o.ulimits,
      cacheFrom: o.cacheFrom,
      squash: o.squash,
    })
    let imageId: string | undefined
    let quietText = ''
    try {
      await renderJsonMessages(res, {
        out: o.quiet ? { write: (s: string) => void (quietText += s) } : ctx.stdout,
        ...terminalOf(ctx.stdout),
        onAux: (aux) => {
          const id = (aux as { ID?: unknown } | null)?.ID
          if (typeof id === 'string') imageId = id
        },
      })
    } catch (e) {
      if (o.quiet && quietText) ctx.stderr.write(quietText)
      if (e instanceof JsonStreamError) throw new StatusError(e.detailCode || 1, e.message)
      throw e
    }
    if (o.quiet) {
      imageId ??= quietText.trim().split('\n').at(-1)
      ctx.stdout.write(`${imageId ?? ''}\n`)
    }
    if (o.iidfile !== undefined && imageId) await writeFile(o.iidfile, imageId)
  },
}
