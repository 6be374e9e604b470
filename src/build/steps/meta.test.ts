import { test } from 'node:test'
import assert from 'node:assert/strict'
import { goDuration, goQuoteList } from './meta.js'
import { BuildArgs, nopCommand, nopCommandString, runArgs, type StageState } from './state.js'

test('Go formatting of lists and durations, as moby prints them in history', () => {
  assert.equal(goQuoteList(['sh']), '["sh"]')
  assert.equal(goQuoteList(['/bin/sh', '-c', 'echo "hi"']), '["/bin/sh" "-c" "echo \\"hi\\""]')
  assert.equal(goDuration(0), '0s')
  assert.equal(goDuration(5e9), '5s')
  assert.equal(goDuration(90e9), '1m30s')
  assert.equal(goDuration(3600e9), '1h0m0s')
  assert.equal(goDuration(500e6), '500ms')
})

test('#(nop) commands: two spaces for metadata, one for WORKDIR/COPY', () => {
  assert.equal(nopCommand({}, 'CMD ["sh"]').join(' '), '/bin/sh -c #(nop)  CMD ["sh"]')
  assert.equal(nopCommandString({ Shell: ['/bin/bash', '-c'] }, 'WORKDIR /app').join(' '), '/bin/bash -c #(nop) WORKDIR /app')
})

test('RUN sees declared args with values, not those ENV overrides; proxies only in env', () => {
  const args = new BuildArgs(new Map([['B', 'given'], ['HTTP_PROXY', 'http://p'], ['UNUSED', 'x']]))
  const state: StageState = { config: { Env: ['C=env'] }, cmdSet: false, args: new Map() }
  state.args.set('B', args.declare('B', 'dflt', true))
  state.args.set('A', args.declare('A', 'a', true))
  state.args.set('C', args.declare('C', 'c', true))
  state.args.set('D', args.declare('D', undefined, true))
  const r = runArgs(state, args)
  assert.deepEqual(r.env, ['B=given', 'A=a', 'HTTP_PROXY=http://p'])
  assert.deepEqual(r.history, ['A=a', 'B=given'])
  assert.ok(!args.consumed.has('UNUSED'))
})
