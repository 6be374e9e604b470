import assert from 'node:assert/strict'
import { test } from 'node:test'
import { parseFlags } from '../flags/parser.js'
import { command } from './volume-create.js'
import { PassThrough } from 'node:stream'
import type { Context, Io } from '../command.js'

const parse = (argv: string[]) => command.parse(parseFlags(argv, command.flags), {} as Io)

/** The body sent to POST /volumes/create, or the error run throws. */
async function sent(argv: string[]): Promise<unknown> {
  const bodies: unknown[] = []
  const create = async (b: { Name: string }) => (bodies.push(b), { Name: b.Name })
  const ctx = { stdout: new PassThrough(), client: { volumes: { create } } } as unknown as Context
  await command.run(parse(argv), ctx)
  return bodies[0]
}

test('volume create: the body docker sends, name from --name or the argument', async () => {
  assert.deepEqual(await sent(['-o', 'type=tmpfs', '--opt', 'device=tmpfs', '-o', 'o=size=1m,uid=1000', '--label', 'a=1', '--label', 'b', 'v1']), {
    Driver: 'local', DriverOpts: { type: 'tmpfs', device: 'tmpfs', o: 'size=1m,uid=1000' }, Labels: { a: '1', b: '' }, Name: 'v1',
  })
  assert.deepEqual(await sent(['--name', 'v2', '-d', 'other']), { Driver: 'other', DriverOpts: {}, Labels: {}, Name: 'v2' })
  assert.deepEqual(await sent([]), { Driver: 'local', DriverOpts: {}, Labels: {}, Name: '' })
  await assert.rejects(sent(['--name', 'a', 'b']), /^Error: conflicting options: cannot specify a volume-name through both --name and as a positional arg$/)
})
