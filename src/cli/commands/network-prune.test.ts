import assert from 'node:assert/strict'
import { test } from 'node:test'
import { fakeContext } from '../../../test/helpers/cli-context.js'
import type { Filters } from '../../client/types.js'
import { command } from './network-prune.js'

async function run(input: string, force: boolean, deleted: string[] | null) {
  const calls: (Filters | undefined)[] = []
  const prune = async (f?: Filters) => {
    calls.push(f)
    return { NetworksDeleted: deleted }
  }
  const f = fakeContext({ networks: { prune } }, input)
  const code = await command.run({ force, filters: { label: ['a'] } }, f.ctx)
  return { code, out: f.text().out, calls }
}

const warning = 'WARNING! This will remove all custom networks not used by at least one container.\nAre you sure you want to continue? [y/N] '

test('network prune asks first, then lists what went', async () => {
  const r = await run('y\n', false, ['n1', 'n2'])
  assert.equal(r.out, `${warning}Deleted Networks:\nn1\nn2\n\n`)
  assert.deepEqual(r.calls, [{ label: ['a'] }])
})

test('declining prunes nothing and is not an error; nothing deleted prints nothing', async () => {
  const no = await run('n\n', false, ['n1'])
  assert.equal(no.code, undefined)
  assert.equal(no.out, warning)
  assert.deepEqual(no.calls, [])
  const none = await run('', true, null)
  assert.equal(none.out, '')
})
