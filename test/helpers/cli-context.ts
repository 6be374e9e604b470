// A command's Context for unit tests of src/cli/commands: stdin fed from a string, stdout and
// stderr collected, and only the client methods the test passes (the rest are absent, so a call
// the command should not make fails loudly).
import { PassThrough } from 'node:stream'
import type { Context } from '../../src/cli/command.js'

export interface FakeContext {
  ctx: Context
  /** What the command wrote so far. */
  text(): { out: string; err: string }
}

export function fakeContext(client: Record<string, object>, input = ''): FakeContext {
  const stdin = new PassThrough()
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  stdin.end(input)
  const ctx = { stdin, stdout, stderr, env: {}, cwd: '/', path: '', client } as unknown as Context
  return { ctx, text: () => ({ out, err }) }
}
