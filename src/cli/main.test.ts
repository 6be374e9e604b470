import assert from 'node:assert/strict'
import { PassThrough } from 'node:stream'
import { test } from 'node:test'
import { main } from './main.js'

async function run(argv: string[]) {
  const stdout = new PassThrough()
  const stderr = new PassThrough()
  let out = ''
  let err = ''
  stdout.on('data', (c) => (out += c))
  stderr.on('data', (c) => (err += c))
  const env = { BERTH_NO_AUTOSTART: '1', DOCKER_HOST: 'unix:///nonexistent/berth.sock' }
  const code = await main(argv, { stdin: new PassThrough(), stdout, stderr, env, cwd: '/' })
  return { code, out, err }
}

test('unknown flag: docker wording, exit 125', async () => {
  const r = await run(['run', '--foo', 'busybox'])
  assert.equal(r.code, 125)
  assert.equal(r.err, "unknown flag: --foo\n\nUsage:  berth run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\nRun 'berth run --help' for more information\n")
})

test('missing arguments exit 1', async () => {
  const r = await run(['rm'])
  assert.equal(r.code, 1)
  assert.equal(r.err, "berth: 'berth rm' requires at least 1 argument\n\nUsage:  berth rm [OPTIONS] CONTAINER [CONTAINER...]\n\nSee 'berth rm --help' for more information\n")
})

test('unknown command', async () => {
  const r = await run(['frobnicate'])
  assert.equal(r.code, 1)
  assert.equal(r.err, "berth: unknown command: berth frobnicate\n\nRun 'berth --help' for more information\n")
})

test('--version and help do not need a daemon', async () => {
  assert.match((await run(['--version'])).out, /^berth version /)
  const h = await run(['ps', '--help'])
  assert.equal(h.code, 0)
  assert.match(h.out, /^Usage: {2}berth ps \[OPTIONS\]\n\nList containers\n\nOptions:\n {2}-a, --all/)
  assert.match((await run(['container', 'ls', '--help'])).out, /^Usage: {2}berth container ls \[OPTIONS\]/)
})

test('daemon not answering: docker-style message, exit 1; run exits 125', async () => {
  const ps = await run(['ps'])
  assert.equal(ps.code, 1)
  assert.equal(ps.err, 'Cannot connect to the berth daemon at unix:///nonexistent/berth.sock. Is the berth daemon running?\n')
  const r = await run(['run', 'busybox'])
  assert.equal(r.code, 125)
  assert.match(r.err, /^berth: Cannot connect to the berth daemon/)
})

test('run flag value errors happen before contacting the daemon', async () => {
  const r = await run(['run', '-m', '1q', 'busybox'])
  assert.equal(r.code, 125)
  assert.match(r.err, /^invalid argument "1q" for "-m, --memory" flag: invalid suffix: 'q'\n/)
})

test('argument counts read like docker 28: exact counts say "requires N", only "at least" says See', async () => {
  const create = await run(['network', 'create'])
  assert.equal(create.code, 1)
  assert.equal(create.err, "berth: 'berth network create' requires 1 argument\n\nUsage:  berth network create [OPTIONS] NETWORK\n\nRun 'berth network create --help' for more information\n")
  const connect = await run(['network', 'connect', 'n'])
  assert.match(connect.err, /^berth: 'berth network connect' requires 2 arguments\n/)
  const inspect = await run(['network', 'inspect'])
  assert.match(inspect.err, /requires at least 1 argument\n\nUsage: {2}berth network inspect \[OPTIONS\] NETWORK \[NETWORK\.\.\.\]\n\nSee /)
})

test('network subcommands and aliases resolve without a daemon', async () => {
  assert.match((await run(['network', 'list', '--help'])).out, /^Usage: {2}berth network list \[OPTIONS\]\n\nList networks\n/)
  assert.match((await run(['network', 'remove', '--help'])).out, /^Usage: {2}berth network remove NETWORK \[NETWORK\.\.\.\]\n/)
  const bad = await run(['network', 'ls', '-f', 'bad'])
  assert.equal(bad.code, 125)
  assert.match(bad.err, /^invalid argument "bad" for "-f, --filter" flag: bad format of filter \(expected name=value\)\n/)
  // IPAM mistakes are found before the daemon is asked, and are plain errors as in docker
  const ipam = await run(['network', 'create', '--gateway', '10.0.0.1', 'n'])
  assert.deepEqual([ipam.code, ipam.err], [1, 'every ip-range or gateway must have a corresponding subnet\n'])
})
