import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from '../../../test/helpers/cli-context.js'
import type { Filters } from '../../client/types.js'
import { command } from './volume-prune.js'

async function run(input: string, o: { all: boolean; force: boolean; filters: Filters }, deleted: string[] | null, version = '1.47') {
  const calls: (Filters | undefined)[] = []
  const prune = async (f?: Filters) => {
    calls.push(f)
    return { VolumesDeleted: deleted, SpaceReclaimed: 2048 }
  }
  const f = fakeContext({ volumes: { prune, apiVersion: async () => version } }, input)
  await command.run(o, f.ctx)
  return { out: f.text().out, calls }
}

const ANON = 'WARNING! This will remove anonymous local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] '
const ALL = 'WARNING! This will remove all local volumes not used by at least one container.\nAre you sure you want to continue? [y/N] '

test('volume prune asks first, lists what went and the space reclaimed', async () => {
  const r = await run('y\n', { all: false, force: false, filters: { label: ['a'] } }, ['v1', 'v2'])
  assert.equal(r.out, `${ANON}Deleted Volumes:\nv1\nv2\n\nTotal reclaimed space: 2.048kB\n`)
  assert.deepEqual(r.calls, [{ label: ['a'] }])
})

test('--all adds the all filter and the stronger warning; older daemons always get that warning', async () => {
  const r = await run('y\n', { all: true, force: false, filters: {} }, null)
  assert.equal(r.out, `${ALL}Total reclaimed space: 0B\n`)
  assert.deepEqual(r.calls, [{ all: ['true'] }])
  const old = await run('y\n', { all: false, force: false, filters: {} }, null, '1.41')
  assert.equal(old.out, `${ALL}Total reclaimed space: 0B\n`)
  assert.deepEqual(old.calls, [{}])
})

test('declining prunes nothing; --all with --filter all is refused', async () => {
  const no = await run('n\n', { all: false, force: false, filters: {} }, ['v1'])
  assert.equal(no.out, ANON)
  assert.deepEqual(no.calls, [])
  await assert.rejects(run('', { all: true, force: true, filters: { all: ['1'] } }, null), /conflicting options: cannot specify both --all and --filter all=1/)
})
