import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { ApiError } from '../../client/errors.js'
import { StatusError, type Context } from '../command.js'
import { command } from './network-rm.js'

function fakeContext(remove: (ref: string) => Promise<number>) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const ctx = { stdout, stderr, client: { networks: { remove } } } as unknown as Context
  return { ctx, text: () => ({ out, err }) }
}

const daemon = async (ref: string) => {
  if (ref === 'nope') throw new ApiError(404, 'network nope not found')
  if (ref === 'inuse') throw new ApiError(403, 'error while removing network: network inuse id 123 has active endpoints')
  return 204
}

test('network rm prints each name, each failure at once, then "exit status 1"', async () => {
  const f = fakeContext(daemon)
  await assert.rejects(command.run({ refs: ['a', 'nope', 'inuse', 'b'], force: false }, f.ctx),
    (e: unknown) => e instanceof StatusError && e.code === 1 && e.message === 'exit status 1')
  assert.deepEqual(f.text(), {
    out: 'a\nb\n',
    err: 'Error response from daemon: network nope not found\n' +
      'Error response from daemon: error while removing network: network inuse id 123 has active endpoints\n',
  })
})

test('network rm -f skips missing networks but not other failures', async () => {
  const ok = fakeContext(daemon)
  await command.run({ refs: ['nope', 'a'], force: true }, ok.ctx)
  assert.deepEqual(ok.text(), { out: 'a\n', err: '' })
  const bad = fakeContext(daemon)
  await assert.rejects(command.run({ refs: ['inuse'], force: true }, bad.ctx), StatusError)
})
