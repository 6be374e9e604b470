// Before anything runs: which stages the build needs and how many steps it has. Checked before
// the response starts, so a bad --target is a plain 400 as in dockerd. Unlike the classic
// builder (which runs every stage up to the target) stages the target does not reach are
// skipped, as BuildKit does.
import { BerthError } from '../../lib/errors.js'
import { expandWord } from '../dockerfile/expand.js'
import type { Dockerfile, Instruction, Stage } from '../dockerfile/types.js'

export interface BuildPlan {
  dockerfile: Dockerfile
  /** Indexes into dockerfile.stages, in file order. */
  stages: number[]
  /** The stage whose image is the result (the target, or the last). */
  final: number
  /** Step count as Docker prints it: meta ARGs, then each stage's FROM and instructions. */
  total: number
  /** Instructions the builder made (--label): not expanded. */
  synthetic: ReadonlySet<Instruction>
}

/** `--label k=v` becomes a LABEL step at the end of the final stage (moby buildLabelOptions). */
function labelInstructions(labels: Record<string, string>): Instruction[] {
  return Object.keys(labels)
    .sort()
    .map((k) => ({ keyword: 'LABEL', args: [], json: false, flags: {}, pairs: [[k, labels[k]!]], original: `LABEL ${k}=${labels[k]!}`, line: 0 }))
}

/** A stage named (case-insensitively) or numbered by `ref`, among those before `before`. */
export function stageIndex(stages: readonly Stage[], ref: string, before: number): number | undefined {
  const lower = ref.toLowerCase()
  for (let i = 0; i < before; i++) if (stages[i]!.name === lower) return i
  if (/^\d+$/.test(ref) && Number(ref) < before) return Number(ref)
  return undefined
}

function dependencies(df: Dockerfile, i: number, metaEnv: ReadonlyMap<string, string>): number[] {
  const stage = df.stages[i]!
  const out: number[] = []
  let base: string | undefined
  try {
    base = expandWord(stage.base, metaEnv, df.escape)
  } catch {
    base = stage.base
  }
  const fromStage = stageIndex(df.stages, base, i)
  if (fromStage !== undefined && !/^\d+$/.test(base)) out.push(fromStage)
  for (const ins of stage.instructions) {
    const from = ins.flags.from
    if ((ins.keyword === 'COPY' || ins.keyword === 'ADD') && from !== undefined) {
      const j = stageIndex(df.stages, from, i)
      if (j !== undefined) out.push(j)
    }
  }
  return out
}

export function planBuild(df: Dockerfile, opts: { target?: string; labels: Record<string, string>; metaEnv: ReadonlyMap<string, string> }): BuildPlan {
  let final = df.stages.length - 1
  if (opts.target) {
    const i = df.stages.findIndex((s) => s.name === opts.target!.toLowerCase())
    // the classic builder's words (BuildKit says `target stage "x" could not be found`)
    if (i < 0) throw new BerthError('invalid', `failed to reach build target ${opts.target} in Dockerfile`)
    final = i
  }
  const needed = new Set<number>()
  const visit = (i: number) => {
    if (needed.has(i)) return
    needed.add(i)
    for (const j of dependencies(df, i, opts.metaEnv)) visit(j)
  }
  visit(final)
  const stages = [...needed].sort((a, b) => a - b)
  const labels = labelInstructions(opts.labels)
  // the labels go on a copy of the final stage: the parsed file stays as given
  const dockerfile: Dockerfile = { ...df, stages: df.stages.map((s, i) => (i === final && labels.length ? { ...s, instructions: [...s.instructions, ...labels] } : s)) }
  const total = df.globalArgs.length + stages.reduce((n, i) => n + 1 + dockerfile.stages[i]!.instructions.length, 0)
  return { dockerfile, stages, final, total, synthetic: new Set(labels) }
}
