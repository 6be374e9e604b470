// One instruction of a stage: probe the cache, else do the work (a container for RUN, a
// writable layer for COPY/ADD/WORKDIR, nothing for metadata) and commit the step's image. The
// image store is the cache (cache.ts): each step's image records its parent and its command.
import { posix } from 'node:path'
import { shortId } from '../../lib/ids.js'
import { BerthError } from '../../lib/errors.js'
import { GENERATED_FILES } from '../../engine/images/commit.js'
import type { ContainerConfig } from '../../engine/images/change.js'
import type { ImageRecord } from '../../state/records.js'
import { findCached } from '../cache.js'
import { planCopyStep, makeDir, writeCopy, type CopySourceRoot } from '../copy-step.js'
import { download, type Downloaded } from '../download.js'
import { createStepContainer, runStepContainer, type StepContainer, type StepContainers, type StepHostOptions } from '../run-step.js'
import { commandArgv, parseArgs } from '../dockerfile/instructions.js'
import type { Instruction } from '../dockerfile/types.js'
import { applyMeta, META_KEYWORDS } from './meta.js'
import { openRwLayer, type RwLayer } from './rw-layer.js'
import { cloneConfig, nopCommand, nopCommandString, runArgs, shellOf, type BuildArgs, type StageState } from './state.js'

export interface StepImages {
  commit(opts: {
    parentId?: string
    layerDir?: string
    exclude?: { paths?: readonly string[] }
    config: ContainerConfig
    containerConfig?: ContainerConfig
    container?: string
    history: { created_by?: string }
    author?: string
  }): Promise<{ id: string }>
  lowerDirs(imageId: string): string[]
}

export interface StepDeps {
  images: StepImages
  /** Every image record, for cache probes. */
  imageRecords(): readonly ImageRecord[]
  containers: StepContainers
  /** A container's overlay upper dir: what a RUN step commits. */
  containerUpper(id: string): string
  tmpDir: string
}

export interface StepOptions {
  noCache: boolean
  /** Remove each step's container after a successful step (rm=1, the default). */
  remove: boolean
  /** Remove it after a failed step too (forcerm=1); otherwise a failed step's container stays. */
  forceRemove: boolean
  host: StepHostOptions
}

export interface StepIo {
  write(text: string): Promise<void>
  /** Other JSON messages of the stream (an ADD download's progress). */
  message(msg: object): Promise<void>
  signal: AbortSignal
  /** Where COPY/ADD sources come from: the context, or (--from) a stage's or image's root. */
  sourceRoot(from: string | undefined): Promise<{ root: CopySourceRoot; release(): Promise<void> }>
}

/** The cache probe: on a hit the stage moves to the cached image and Docker's line is printed. */
async function probe(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, cmd: string[]): Promise<boolean> {
  if (o.noCache) return false
  const hit = findCached(deps.imageRecords(), { parentId: state.imageId, cmd, config: state.config, author: state.author })
  if (!hit) return false
  await io.write(' ---> Using cache\n')
  state.imageId = hit.id
  return true
}

async function commit(deps: StepDeps, state: StageState, cmd: string[], extra: { layerDir?: string; container?: string }): Promise<void> {
  const { id } = await deps.images.commit({
    parentId: state.imageId,
    layerDir: extra.layerDir,
    exclude: extra.container ? { paths: GENERATED_FILES } : undefined,
    config: cloneConfig(state.config),
    containerConfig: { ...cloneConfig(state.config), Cmd: cmd },
    container: extra.container,
    history: { created_by: cmd.join(' ') },
    author: state.author,
  })
  state.imageId = id
}

/** Runs `work` with the step's container, then removes it as dockerd's rm/forcerm say (a failed step's stays without forcerm). */
async function withContainer(o: StepOptions, io: StepIo, c: StepContainer, work: () => Promise<void>): Promise<void> {
  let ok = false
  try {
    await io.write(` ---> Running in ${shortId(c.id)}\n`)
    await work()
    ok = true
  } finally {
    // a cancelled build removes its container whatever rm says, as dockerd's containerManager does
    if (o.forceRemove || (ok && o.remove) || io.signal.aborted) {
      await c.remove()
      // after a failure the step's error is what matters; a client gone cannot read this line
      await io.write(`Removing intermediate container ${shortId(c.id)}\n`).catch(() => undefined)
    }
  }
}

/** Docker makes (and removes) a container even for a metadata step; so do we, when there is an image. */
async function commitMeta(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, cmd: string[]): Promise<void> {
  if (await probe(deps, o, io, state, cmd)) return
  if (state.imageId === undefined) return commit(deps, state, cmd, {})
  const c = await createStepContainer(deps.containers, { imageId: state.imageId, config: state.config, cmd, env: state.config.Env ?? [], host: o.host })
  await withContainer(o, io, c, () => commit(deps, state, cmd, { container: c.id }))
}

async function run(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, ins: Instruction, args: BuildArgs): Promise<void> {
  const argv = commandArgv(ins, shellOf(state.config))
  const { env, history } = runArgs(state, args)
  const saveCmd = history.length > 0 ? [`|${history.length}`, ...history, ...argv] : argv
  if (await probe(deps, o, io, state, saveCmd)) return
  if (state.imageId === undefined) throw new BerthError('invalid', `The command '${argv.join(' ')}' returned a non-zero code: 1: no shell in an empty (scratch) image`)
  const c = await createStepContainer(deps.containers, {
    imageId: state.imageId,
    config: state.config,
    cmd: argv,
    env: [...(state.config.Env ?? []), ...env],
    host: o.host,
  })
  await withContainer(o, io, c, async () => {
    await runStepContainer(deps.containers, c.id, argv, io.write, io.signal)
    await commit(deps, state, saveCmd, { layerDir: deps.containerUpper(c.id), container: c.id })
  })
}

/** Runs `write` against a writable layer over the stage's image and commits its upper dir. */
async function layerStep(deps: StepDeps, state: StageState, cmd: string[], write: (l: RwLayer) => Promise<void>): Promise<void> {
  const layer = await openRwLayer(deps.tmpDir, state.imageId ? deps.images.lowerDirs(state.imageId) : [])
  try {
    await write(layer)
    layer.unmount()
    await commit(deps, state, cmd, { layerDir: layer.upper })
  } finally {
    await layer.release()
  }
}

async function copy(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, ins: Instruction): Promise<void> {
  const src = await io.sourceRoot(ins.flags.from)
  const downloads: Downloaded[] = []
  const fetchUrl = async (url: string) => {
    const d = await download(url, deps.tmpDir, io.signal, io.message)
    downloads.push(d)
    await io.write('\n') // dockerd's blank line after a download
    return d
  }
  try {
    const plan = await planCopyStep(ins, src.root, state.config.WorkingDir || '/', fetchUrl)
    const chown = plan.chown ? `--chown=${plan.chown} ` : ''
    // the mode is part of what lands in the layer, so of the cache key (the hash covers the sources)
    const chmod = ins.flags.chmod !== undefined ? `--chmod=${ins.flags.chmod} ` : ''
    const cmd = nopCommandString(state.config, `${plan.keyword} ${chown}${chmod}${plan.hash} in ${ins.args[ins.args.length - 1]} `)
    if (await probe(deps, o, io, state, cmd)) return
    await layerStep(deps, state, cmd, (l) => writeCopy(plan, l.root))
  } finally {
    for (const d of downloads) await d.release()
    await src.release()
  }
}

async function workdir(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, ins: Instruction): Promise<void> {
  const path = ins.args[0] ?? ''
  if (path === '') throw new BerthError('invalid', 'WORKDIR requires exactly one argument')
  state.config.WorkingDir = path.startsWith('/') ? posix.normalize(path) : posix.join('/', state.config.WorkingDir ?? '', path)
  const cmd = nopCommandString(state.config, `WORKDIR ${state.config.WorkingDir}`)
  if (await probe(deps, o, io, state, cmd)) return
  await layerStep(deps, state, cmd, (l) => makeDir(l.root, state.config.WorkingDir!))
}

function declareArgs(state: StageState, ins: Instruction, args: BuildArgs): string {
  const words = parseArgs(ins).map(({ name, value }) => {
    state.args.set(name, args.declare(name, value, true))
    return value === undefined ? name : `${name}=${value}`
  })
  return `ARG ${words.join(' ')}`
}

/** Dispatches one (already expanded) instruction. */
export async function dispatch(deps: StepDeps, o: StepOptions, io: StepIo, state: StageState, ins: Instruction, args: BuildArgs): Promise<void> {
  switch (ins.keyword) {
    case 'RUN':
      return run(deps, o, io, state, ins, args)
    case 'COPY':
    case 'ADD':
      return copy(deps, o, io, state, ins)
    case 'WORKDIR':
      return workdir(deps, o, io, state, ins)
    case 'ARG':
      return commitMeta(deps, o, io, state, nopCommand(state.config, declareArgs(state, ins, args)))
  }
  if (!META_KEYWORDS.has(ins.keyword)) throw new BerthError('invalid', `unknown instruction: ${ins.keyword}`)
  const comment = applyMeta(state, ins, (t) => void io.write(t))
  return commitMeta(deps, o, io, state, nopCommand(state.config, comment))
}
