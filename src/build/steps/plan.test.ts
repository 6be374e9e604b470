import { test } from 'node:test'
import assert from 'node:assert/strict'
import { parseDockerfile } from '../dockerfile/parse.js'
import { planBuild, stageIndex } from './plan.js'

const DF = [
  'ARG BASE=busybox',
  'FROM ${BASE} AS builder',
  'RUN make',
  'FROM busybox AS unused',
  'RUN exit 1',
  'FROM builder AS mid',
  'RUN more',
  'FROM busybox AS final',
  'COPY --from=mid /a /a',
  'COPY --from=0 /b /b',
  '',
].join('\n')

test('the target pulls in the stages it names (FROM and COPY --from), others are skipped', () => {
  const df = parseDockerfile(DF)
  const plan = planBuild(df, { labels: {}, metaEnv: new Map([['BASE', 'busybox']]) })
  assert.deepEqual(plan.stages, [0, 2, 3])
  assert.equal(plan.final, 3)
  assert.equal(plan.total, 1 + 2 + 2 + 3)
  const only = planBuild(df, { target: 'BUILDER', labels: {}, metaEnv: new Map() })
  assert.deepEqual(only.stages, [0])
  assert.equal(only.final, 0)
})

test('--label becomes LABEL steps on the final stage, sorted, not expanded', () => {
  const df = parseDockerfile('FROM busybox\nRUN true\n')
  const plan = planBuild(df, { labels: { z: '$HOME', a: '1' }, metaEnv: new Map() })
  const ins = plan.dockerfile.stages[0]!.instructions
  assert.deepEqual(ins.slice(1).map((i) => i.original), ['LABEL a=1', 'LABEL z=$HOME'])
  assert.ok(plan.synthetic.has(ins[2]!))
  assert.equal(plan.total, 4)
  assert.equal(df.stages[0]!.instructions.length, 1, 'the parsed file is left as it was')
})

test('an unknown --target is refused with Docker\'s text', () => {
  assert.throws(() => planBuild(parseDockerfile('FROM busybox AS a\n'), { target: 'nope', labels: {}, metaEnv: new Map() }), { message: 'failed to reach build target nope in Dockerfile' })
})

test('stages are found by name (case-insensitive) or index, only before the current one', () => {
  const df = parseDockerfile(DF)
  assert.equal(stageIndex(df.stages, 'Builder', 3), 0)
  assert.equal(stageIndex(df.stages, '2', 3), 2)
  assert.equal(stageIndex(df.stages, 'final', 3), undefined)
  assert.equal(stageIndex(df.stages, 'busybox', 3), undefined)
})
