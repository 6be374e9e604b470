import assert from 'node:assert/strict'
import { test } from 'node:test'
import { FlagError, parseFlags, type FlagSpec } from './parser.js'
import { checkInt } from './units.js'

const specs: FlagSpec[] = [
  { long: 'interactive', short: 'i', kind: 'bool', help: '' },
  { long: 'tty', short: 't', kind: 'bool', help: '' },
  { long: 'detach', short: 'd', kind: 'bool', help: '' },
  { long: 'env', short: 'e', kind: 'list', help: '' },
  { long: 'name', kind: 'value', help: '' },
  { long: 'network', kind: 'list', help: '', aliases: ['net'] },
  { long: 'timeout', short: 't2', kind: 'value', help: '', check: checkInt },
]

test('combined shorts, values in every spelling, repeatables', () => {
  const p = parseFlags(['-itd', '-e', 'A=1', '-eB=2', '-e=C=3', '--env', 'D=4', '--env=E=5', '--name=web', '--net', 'host', 'img', 'cmd'], specs, { stopAtPositional: true })
  assert.equal(p.bool('interactive'), true)
  assert.equal(p.bool('tty'), true)
  assert.equal(p.bool('detach'), true)
  assert.deepEqual(p.list('env'), ['A=1', 'B=2', 'C=3', 'D=4', 'E=5'])
  assert.equal(p.str('name'), 'web')
  assert.deepEqual(p.list('network'), ['host'])
  assert.deepEqual(p.args, ['img', 'cmd'])
})

test('flags stop at the first positional for run-like commands', () => {
  const p = parseFlags(['-i', 'busybox', 'ls', '-l', '--name', 'x'], specs, { stopAtPositional: true })
  assert.deepEqual(p.args, ['busybox', 'ls', '-l', '--name', 'x'])
  assert.equal(p.has('name'), false)
})

test('interspersed flags for other commands, and -- ends flags', () => {
  const p = parseFlags(['a', '-d', 'b', '--', '-i'], specs)
  assert.deepEqual(p.args, ['a', 'b', '-i'])
  assert.equal(p.bool('detach'), true)
  assert.equal(p.bool('interactive'), false)
})

test('bool values and a lone dash', () => {
  const p = parseFlags(['--tty=false', '-d=true', '-'], specs)
  assert.equal(p.bool('tty'), false)
  assert.equal(p.bool('detach'), true)
  assert.deepEqual(p.args, ['-'])
})

test("errors use pflag's wording", () => {
  const err = (argv: string[], msg: string) => assert.throws(() => parseFlags(argv, specs), (e: unknown) => e instanceof FlagError && e.message === msg)
  err(['--foo'], 'unknown flag: --foo')
  err(['-x'], "unknown shorthand flag: 'x' in -x")
  err(['-ix'], "unknown shorthand flag: 'x' in -ix")
  err(['--name'], 'flag needs an argument: --name')
  err(['-e'], "flag needs an argument: 'e' in -e")
  err(['--tty=maybe'], 'invalid argument "maybe" for "-t, --tty" flag: strconv.ParseBool: parsing "maybe": invalid syntax')
  err(['--timeout', 'x'], 'invalid argument "x" for "-t2, --timeout" flag: strconv.ParseInt: parsing "x": invalid syntax')
})
