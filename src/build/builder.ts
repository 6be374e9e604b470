// The Dockerfile builder (Docker's classic builder): stage after stage, instruction after
// instruction, each step committed as an image whose parent is the previous step's, printing
// what dockerd prints (`Step 2/5 : RUN …`, ` ---> Running in …`, ` ---> 1a2b3c4d5e6f`).
//
// Two phases: `prepareBuild` parses and checks everything that can be refused before the
// response starts (dockerd answers those with a 400); `runBuild` streams. Steps live in
// steps/dispatch.ts; the cache is the image store (cache.ts). Intermediate images stay,
// untagged and linked by parent, as Docker keeps them.
import { BerthError } from '../lib/errors.js'
import { shortId } from '../lib/ids.js'
import type { ImageRecord } from '../state/records.js'
import { expandInstruction, expandWord } from './dockerfile/expand.js'
import { parseArgs, unconsumedBuildArgsWarning } from './dockerfile/instructions.js'
import { parseDockerfile } from './dockerfile/parse.js'
import type { Dockerfile, Instruction } from './dockerfile/types.js'
import { dispatch, type StepDeps, type StepIo, type StepOptions } from './steps/dispatch.js'
import { planBuild, stageIndex, type BuildPlan } from './steps/plan.js'
import { openRwLayer } from './steps/rw-layer.js'
import { BuildArgs, cloneConfig, expansionEnv, type StageState } from './steps/state.js'
import type { CopySourceRoot } from './copy-step.js'
import type { StepHostOptions } from './run-step.js'

const DEFAULT_PATH = 'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
const HOST_PLATFORM = `linux/${process.arch === 'x64' ? 'amd64' : process.arch}`

export interface BuildOptions {
  /** The Dockerfile's text. */
  dockerfile: string
  /** The unpacked context and what .dockerignore leaves out of COPY. */
  context: CopySourceRoot
  /** Full normalised references to tag the result with. */
  tags: string[]
  /** --build-arg: a null value means "take it from the client's environment" and it had none. */
  buildArgs: Map<string, string | null>
  labels: Record<string, string>
  target?: string
  noCache: boolean
  pull: boolean
  /** rm: remove each step's container once the step succeeded. */
  remove: boolean
  /** forcerm: remove it after a failed step too. */
  forceRemove: boolean
  /** What every step container gets: network mode, extra hosts, /dev/shm, resource limits. */
  host: StepHostOptions
  platform?: string
}

export interface BuildDeps extends StepDeps {
  resolveImage(ref: string): ImageRecord
  /** Pulls `ref` (absent until the registry client exists); progress lines go to `write`. */
  pull?(ref: string, write: (msg: object) => Promise<void>): Promise<void>
  tag(imageId: string, ref: string): void
  /** `docker.io/library/x:latest` → `x:latest` for "Successfully tagged". */
  familiar(ref: string): string
}

export interface BuildOutput {
  /** Text for the client, as `{"stream": …}` lines. */
  stream(text: string): Promise<void>
  /** Other JSON messages (pull progress) and aux values. */
  write(msg: object): Promise<void>
  aux(value: unknown): Promise<void>
  signal: AbortSignal
}

export interface PreparedBuild {
  plan: BuildPlan
  args: BuildArgs
  metaEnv: Map<string, string>
}

function checkPlatform(platform: string | undefined): void {
  if (platform && platform.replace(/\/$/, '') !== HOST_PLATFORM)
    throw new BerthError('invalid', `platform ${platform} is not supported: berth builds for ${HOST_PLATFORM} only`)
}

/** Parses and checks; throws BerthError('invalid') for what dockerd refuses before streaming. */
export function prepareBuild(opts: BuildOptions): PreparedBuild {
  checkPlatform(opts.platform)
  const df: Dockerfile = parseDockerfile(opts.dockerfile)
  const args = new BuildArgs(opts.buildArgs)
  const metaEnv = new Map<string, string>()
  for (const ins of df.globalArgs) {
    for (const { name, value } of parseArgs(expandInstruction(ins, metaEnv, df.escape))) {
      const v = args.declare(name, value, false)
      args.meta.set(name, v)
      if (v !== undefined) metaEnv.set(name, v)
    }
  }
  const plan = planBuild(df, { target: opts.target, labels: opts.labels, metaEnv })
  return { plan, args, metaEnv }
}

interface StageResult {
  imageId?: string
}

/** The base of a stage: an earlier stage, scratch, or an image (pulled when asked or missing). */
async function baseImage(deps: BuildDeps, opts: BuildOptions, out: BuildOutput, name: string, earlier: Map<number, StageResult>, plan: BuildPlan, at: number): Promise<string | undefined> {
  const j = /^\d+$/.test(name) ? undefined : stageIndex(plan.dockerfile.stages, name, at)
  if (j !== undefined) return earlier.get(j)?.imageId
  if (name === 'scratch') return undefined
  if (opts.pull && deps.pull) await deps.pull(name, (m) => out.write(m))
  try {
    return deps.resolveImage(name).id
  } catch (e) {
    if (!(e instanceof BerthError && e.kind === 'not-found')) throw e
  }
  if (deps.pull && !opts.pull) {
    await deps.pull(name, (m) => out.write(m))
    return deps.resolveImage(name).id
  }
  const repo = name.replace(/[:@].*$/, '')
  throw new BerthError('not-found', `pull access denied for ${repo}, repository does not exist or may require 'docker login'`)
}

function stageState(deps: BuildDeps, imageId: string | undefined): StageState {
  const config = imageId ? cloneConfig(deps.resolveImage(imageId).config.config ?? {}) : {}
  if (!(config.Env ?? []).some((e) => e.startsWith('PATH='))) config.Env = [...(config.Env ?? []), DEFAULT_PATH]
  return { imageId, config, cmdSet: false, args: new Map() }
}

/** An ONBUILD trigger is one instruction: parsed on its own under a throwaway FROM. */
function parseTrigger(trigger: string): Instruction {
  const ins = parseDockerfile(`FROM scratch\n${trigger}\n`).stages[0]?.instructions[0]
  if (!ins) throw new BerthError('invalid', 'onbuild trigger should be a single expression')
  return ins
}

/** Runs a prepared build; returns the final image ID. */
export async function runBuild(deps: BuildDeps, opts: BuildOptions, prepared: PreparedBuild, out: BuildOutput): Promise<string> {
  const { plan, args, metaEnv } = prepared
  const df = plan.dockerfile
  let step = 1
  const print = (text: string) => out.stream(`Step ${step++}/${plan.total} : ${text}\n`)
  for (const ins of df.globalArgs) await print(ins.original)

  const results = new Map<number, StageResult>()
  let current = 0 // the stage being built: COPY --from looks for stages before it
  const stepOpts: StepOptions = { noCache: opts.noCache, remove: opts.remove, forceRemove: opts.forceRemove, host: opts.host }
  const io: StepIo = {
    write: (t) => out.stream(t),
    message: (m) => out.write(m),
    signal: out.signal,
    sourceRoot: (from) => sourceRoot(deps, opts, out, from, results, plan, current),
  }
  for (const i of plan.stages) {
    current = i
    const stage = df.stages[i]!
    await print(stage.from.original)
    checkPlatform(stage.platform ? expandWord(stage.platform, metaEnv, df.escape) : undefined)
    const name = expandWord(stage.base, metaEnv, df.escape)
    if (name === '') throw new BerthError('invalid', `base name (${stage.base}) should not be blank`)
    const state = stageState(deps, await baseImage(deps, opts, out, name, results, plan, i))
    await out.stream(` ---> ${state.imageId ? shortId(state.imageId) : ''}\n`)
    const triggers = state.config.OnBuild ?? []
    if (triggers.length > 0) {
      state.config.OnBuild = null
      await out.stream(`# Executing ${triggers.length} build trigger${triggers.length > 1 ? 's' : ''}\n`)
      for (const t of triggers) await runInstruction(deps, stepOpts, io, state, parseTrigger(t), args, plan, df.escape)
    }
    for (const ins of stage.instructions) {
      if (out.signal.aborted) throw new BerthError('invalid', 'Build cancelled')
      await print(ins.original)
      await runInstruction(deps, stepOpts, io, state, ins, args, plan, df.escape)
      await out.stream(` ---> ${state.imageId ? shortId(state.imageId) : ''}\n`)
    }
    results.set(i, { imageId: state.imageId })
    if (state.imageId) await out.aux({ ID: state.imageId })
  }
  const warning = unconsumedBuildArgsWarning([...opts.buildArgs.keys()], args.consumed)
  if (warning) await out.stream(`${warning}\n`)
  const id = results.get(plan.final)?.imageId
  if (!id) throw new BerthError('invalid', 'No image was generated. Is your Dockerfile empty?')
  await out.stream(`Successfully built ${shortId(id)}\n`)
  for (const ref of opts.tags) {
    deps.tag(id, ref)
    await out.stream(`Successfully tagged ${deps.familiar(ref)}\n`)
  }
  return id
}

async function runInstruction(deps: BuildDeps, o: StepOptions, io: StepIo, state: StageState, ins: Instruction, args: BuildArgs, plan: BuildPlan, escape: string): Promise<void> {
  const expanded = plan.synthetic.has(ins) ? ins : expandInstruction(ins, expansionEnv(state), escape)
  await dispatch(deps, o, io, state, expanded, args)
}

/** COPY/ADD sources: the context, or --from an earlier stage's or an image's root (mounted read-only for the step). */
async function sourceRoot(deps: BuildDeps, opts: BuildOptions, out: BuildOutput, from: string | undefined, results: Map<number, StageResult>, plan: BuildPlan, at: number) {
  if (from === undefined) return { root: opts.context, release: async () => undefined }
  const j = stageIndex(plan.dockerfile.stages, from, at)
  let imageId: string | undefined
  if (j !== undefined) imageId = results.get(j)?.imageId
  else {
    try {
      imageId = deps.resolveImage(from).id
    } catch (e) {
      if (!(e instanceof BerthError && e.kind === 'not-found') || !deps.pull) throw new BerthError('invalid', `invalid from flag value ${from}: ${(e as Error).message}`)
      await deps.pull(from, (m) => out.write(m))
      imageId = deps.resolveImage(from).id
    }
  }
  const layer = await openRwLayer(deps.tmpDir, imageId ? deps.images.lowerDirs(imageId) : [])
  return { root: { dir: layer.root }, release: () => layer.release() }
}
