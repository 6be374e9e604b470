import assert from 'node:assert/strict'
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test, type TestContext } from 'node:test'
import { BerthError } from '../../lib/errors.js'
import type { ExecOptions, ExecResult } from '../../sys/exec.js'
import type { Conflist } from './conflist.js'
import { cniAdd, cniDel, parseFailure, pluginInput, type CniFailure, type CniInvocation } from './invoke.js'

const conflist: Conflist = {
  cniVersion: '1.0.0',
  name: 'n1',
  plugins: [
    { type: 'macvlan', master: 'eth0', capabilities: { ips: true, mac: true }, ipam: { type: 'static' } },
    { type: 'bandwidth', capabilities: { bandwidth: true } },
    { type: 'tuning' },
  ],
}

interface Call {
  file: string
  args: readonly string[]
  env: NodeJS.ProcessEnv
  input: Record<string, unknown>
}

/** A CNI path with empty plugin files, and a fake exec that records calls and answers per plugin. */
async function setup(t: TestContext, answer: (plugin: string, command: string) => Partial<ExecResult>) {
  const dir = await mkdtemp(join(tmpdir(), 'berth-cni-fake-'))
  t.after(() => rm(dir, { recursive: true }))
  for (const p of ['macvlan', 'bandwidth', 'tuning']) {
    await writeFile(join(dir, p), '')
    await chmod(join(dir, p), 0o755)
  }
  const calls: Call[] = []
  const exec = async (file: string, args: readonly string[], opts: ExecOptions): Promise<ExecResult> => {
    calls.push({ file, args, env: opts.env!, input: JSON.parse(String(opts.input)) as Record<string, unknown> })
    const plugin = (args.at(-1) ?? file).split('/').pop()!
    return { code: 0, stdout: '', stderr: '', ...answer(plugin, opts.env!.CNI_COMMAND!) }
  }
  const inv: CniInvocation = { containerId: 'c1', netns: '/run/x/ns', ifName: 'eth0', cniPath: dir, exec }
  const trace = () => calls.map((c) => `${c.env.CNI_COMMAND} ${(c.args.at(-1) ?? c.file).split('/').pop()}`)
  return { dir, calls, inv, trace }
}

const ok = (n: number) => ({ stdout: JSON.stringify({ cniVersion: '1.0.0', step: n }) })

test('pluginInput: name and version, prevResult, runtimeConfig only for declared capabilities', () => {
  const rc = { ips: ['10.0.0.2/24'], bandwidth: { egressRate: 1, egressBurst: 1 }, portMappings: [] }
  assert.deepEqual(pluginInput(conflist, conflist.plugins[0]!, rc), {
    type: 'macvlan', master: 'eth0', ipam: { type: 'static' }, cniVersion: '1.0.0', name: 'n1', runtimeConfig: { ips: ['10.0.0.2/24'] },
  })
  assert.deepEqual(pluginInput(conflist, conflist.plugins[2]!, rc, { ips: [] }), {
    type: 'tuning', cniVersion: '1.0.0', name: 'n1', prevResult: { ips: [] },
  })
})

test('ADD runs the plugins in order, chaining results, with the CNI environment', async (t) => {
  process.env.CNI_ARGS = 'stray=1'
  t.after(() => delete process.env.CNI_ARGS)
  const { calls, inv, trace, dir } = await setup(t, (p) => ok(['macvlan', 'bandwidth', 'tuning'].indexOf(p)))
  const result = await cniAdd(conflist, { ...inv, runtimeConfig: { ips: ['10.0.0.2/24'], bandwidth: { ingressRate: 8, ingressBurst: 8 } } })
  assert.deepEqual(result, { cniVersion: '1.0.0', step: 2 })
  assert.deepEqual(trace(), ['ADD macvlan', 'ADD bandwidth', 'ADD tuning'])
  assert.equal(calls[0]!.file, join(dir, 'macvlan'))
  assert.equal(calls[0]!.input.prevResult, undefined)
  assert.deepEqual(calls[1]!.input.prevResult, { cniVersion: '1.0.0', step: 0 })
  assert.deepEqual(calls[1]!.input.runtimeConfig, { bandwidth: { ingressRate: 8, ingressBurst: 8 } })
  assert.deepEqual(calls[2]!.input.prevResult, { cniVersion: '1.0.0', step: 1 })
  const e = calls[0]!.env
  assert.deepEqual([e.CNI_COMMAND, e.CNI_CONTAINERID, e.CNI_NETNS, e.CNI_IFNAME, e.CNI_PATH, e.CNI_ARGS], ['ADD', 'c1', '/run/x/ns', 'eth0', dir, undefined])
  assert.equal(e.PATH, process.env.PATH)
})

test('a wrap prefix runs the plugin under another program; CNI_ARGS are joined', async (t) => {
  const { calls, inv, dir } = await setup(t, () => ok(0))
  await cniAdd({ ...conflist, plugins: [conflist.plugins[2]!] }, { ...inv, wrap: ['ip', 'netns', 'exec', 'h1'], args: { IgnoreUnknown: '1', K: 'v' } })
  assert.equal(calls[0]!.file, 'ip')
  assert.deepEqual(calls[0]!.args, ['netns', 'exec', 'h1', join(dir, 'tuning')])
  assert.equal(calls[0]!.env.CNI_ARGS, 'IgnoreUnknown=1;K=v')
})

test('a failing plugin: its error text, and DEL of it and every plugin before it, in reverse', async (t) => {
  const { calls, inv, trace } = await setup(t, (p, cmd) =>
    p === 'bandwidth' && cmd === 'ADD' ? { code: 1, stdout: '{"code":7,"msg":"bad rate","details":"burst missing"}' } : ok(0),
  )
  await assert.rejects(cniAdd(conflist, inv), (e: unknown) => {
    assert.ok(e instanceof BerthError)
    assert.equal(e.message, 'CNI plugin bandwidth ADD on network n1: bad rate: burst missing')
    assert.deepEqual(e.cause, { plugin: 'bandwidth', command: 'ADD', code: 7, msg: 'bad rate', details: 'burst missing', stderr: undefined })
    return true
  })
  assert.deepEqual(trace(), ['ADD macvlan', 'ADD bandwidth', 'DEL bandwidth', 'DEL macvlan'])
  assert.deepEqual(calls[2]!.input.prevResult, { cniVersion: '1.0.0', step: 0 })
})

test('rollback failures do not hide the ADD error', async (t) => {
  const { inv, trace } = await setup(t, (p, cmd) => (p === 'macvlan' ? { code: 1, stdout: `{"code":999,"msg":"Link not found ${cmd}"}` } : ok(0)))
  await assert.rejects(cniAdd(conflist, inv), { message: 'CNI plugin macvlan ADD on network n1: Link not found ADD' })
  assert.deepEqual(trace(), ['ADD macvlan', 'DEL macvlan'])
})

test('DEL runs in reverse with the saved result, goes on past failures, then reports them all', async (t) => {
  const { calls, inv, trace } = await setup(t, (p) => (p === 'tuning' || p === 'macvlan' ? { code: 1, stderr: `${p} broke\n` } : {}))
  const saved = { cniVersion: '1.0.0', ips: [{ address: '10.0.0.2/24' }] }
  await assert.rejects(cniDel(conflist, { ...inv, runtimeConfig: { ips: ['10.0.0.2/24'] } }, saved), {
    message: 'CNI plugin tuning DEL on network n1: tuning broke; CNI plugin macvlan DEL on network n1: macvlan broke',
  })
  assert.deepEqual(trace(), ['DEL tuning', 'DEL bandwidth', 'DEL macvlan'])
  for (const c of calls) assert.deepEqual(c.input.prevResult, saved)
  assert.equal(calls[0]!.env.CNI_NETNS, '', 'a path that holds no netns is passed as empty')
  assert.deepEqual(calls[2]!.input.runtimeConfig, { ips: ['10.0.0.2/24'] })
})

test('a missing plugin binary fails the ADD with its name', async (t) => {
  const { inv, trace } = await setup(t, () => ok(0))
  const c: Conflist = { ...conflist, plugins: [conflist.plugins[0]!, { type: 'nosuch' }] }
  await assert.rejects(cniAdd(c, inv), { message: 'CNI plugin nosuch ADD on network n1: plugin type="nosuch" not found' })
  assert.deepEqual(trace(), ['ADD macvlan', 'DEL macvlan'])
})

test('invocation values are checked before anything runs', async (t) => {
  const { inv, trace } = await setup(t, () => ok(0))
  await assert.rejects(cniAdd(conflist, { ...inv, ifName: 'eth0/x' }), { message: 'invalid interface name "eth0/x"' })
  await assert.rejects(cniAdd(conflist, { ...inv, containerId: '' }), { message: 'invalid CNI container ID ""' })
  await assert.rejects(cniDel(conflist, { ...inv, args: { 'a;b': '1' } }), { message: 'invalid CNI argument "a;b=1"' })
  assert.deepEqual(trace(), [])
})

test('parseFailure: spec JSON, else stderr, else stdout, else the exit status', () => {
  const f = (stdout: string, stderr = ''): CniFailure => parseFailure('p', 'ADD', { code: 3, stdout, stderr })
  assert.deepEqual(f('{"code":11,"msg":"try later"}', 'log\n'), { plugin: 'p', command: 'ADD', code: 11, msg: 'try later', stderr: 'log' })
  assert.equal(f('{"code":1}', 'boom\n').msg, 'boom')
  assert.equal(f('panic: x\n').msg, 'panic: x')
  assert.equal(f('').msg, 'exit status 3')
})
