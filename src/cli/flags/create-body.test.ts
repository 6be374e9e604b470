import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { test } from 'node:test'
import { createFlags } from './container.js'
import { buildCreateRequest, type BodyDeps } from './create-body.js'
import { parseFlags } from './parser.js'

interface Captured { argv: string[]; url: string; body: Record<string, any> }
const fixture = new URL('../../../test/compat/cli-parse/docker-create-bodies.json', import.meta.url)
const cases = JSON.parse(readFileSync(fixture, 'utf8')) as Captured[]

const deps = (env: Record<string, string> = {}): BodyDeps => ({
  env: (n) => env[n],
  readFile: () => { throw new Error('no files in this test') },
  cwd: '/work',
  consoleSize: [0, 0],
})

const sortBinds = (b: Record<string, any>) => {
  if (Array.isArray(b.HostConfig.Binds)) b.HostConfig.Binds = [...b.HostConfig.Binds].sort()
  return b
}

for (const c of cases) {
  test(`create body matches docker: ${c.argv.join(' ')}`, () => {
    const pathEntry = (c.body.Env as string[] | null)?.find((e) => e.startsWith('PATH='))
    const env: Record<string, string> = pathEntry ? { PATH: pathEntry.slice(5) } : {}
    const parsed = parseFlags(c.argv.slice(1), createFlags, { stopAtPositional: true })
    const req = buildCreateRequest(parsed, deps(env))
    assert.deepEqual(sortBinds(req.body), sortBinds(structuredClone(c.body)))
    const url = new URL(c.url, 'http://x')
    assert.equal(req.name, url.searchParams.get('name') ?? undefined)
    assert.equal(req.platform, url.searchParams.get('platform') ?? undefined)
  })
}

test('--rm with --restart is refused as docker does', () => {
  const parsed = parseFlags(['--rm', '--restart', 'always', 'busybox'], createFlags, { stopAtPositional: true })
  assert.throws(() => buildCreateRequest(parsed, deps()), /conflicting options: cannot specify both --restart and --rm/)
})

test('tty console size is sent only with -t', () => {
  const d = { ...deps(), consoleSize: [24, 80] as [number, number] }
  const t = buildCreateRequest(parseFlags(['-t', 'busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual((t.body.HostConfig as any).ConsoleSize, [24, 80])
  const n = buildCreateRequest(parseFlags(['busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual((n.body.HostConfig as any).ConsoleSize, [0, 0])
})

test('env file lines come before -e and unset names stay bare', () => {
  const d = { ...deps({ HOME: '/root' }), readFile: () => '# comment\nA=1\n\n  HOME\nNOPE\n' }
  const r = buildCreateRequest(parseFlags(['--env-file', 'f', '-e', 'B=2', 'busybox'], createFlags, { stopAtPositional: true }), d)
  assert.deepEqual(r.body.Env, ['A=1', 'HOME=/root', 'NOPE', 'B=2'])
})

test('invalid pid mode', () => {
  const r = parseFlags(['--pid', 'bogus', 'busybox'], createFlags, { stopAtPositional: true })
  assert.throws(() => buildCreateRequest(r, deps()), /--pid: invalid PID mode/)
})
