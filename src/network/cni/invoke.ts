// Running a conflist the way CNI spec 1.0 describes, without libcni: ADD runs the plugins in
// order, each getting the previous one's result as prevResult; DEL runs them in reverse with the
// persisted final ADD result. An ADD that fails at plugin k is undone at once by DEL of plugins
// k..0 (plugin k too: macvlan 1.1.1 leaves its interface behind when its IPAM call fails), so a
// failed ADD leaves nothing half-made. Results are plain JSON: the caller persists the ADD result
// and hands it back to DEL, also after a daemon restart.
//
// Terms: a *plugin conf* is one entry of conflist.plugins; *runtimeConfig* carries per-container
// values, and a plugin sees only the keys its `capabilities` declare.
import { statfs } from 'node:fs/promises'
import { performance } from 'node:perf_hooks'
import { BerthError, invalid } from '../../lib/errors.js'
import { log } from '../../lib/log.js'
import { run, type ExecOptions, type ExecResult } from '../../sys/exec.js'
import type { BandwidthLimits, Conflist, PluginConf } from './conflist.js'
import { DEFAULT_CNI_PATH, findPlugin } from './plugins.js'

export interface PortMapping {
  hostPort: number
  containerPort: number
  protocol: 'tcp' | 'udp' | 'sctp'
  hostIP?: string
}

/** Per-container values; each reaches only plugins declaring the key in `capabilities`. */
export interface RuntimeConfig {
  /** CIDR strings, e.g. `10.0.0.5/24` (static IPAM) */
  ips?: string[]
  portMappings?: PortMapping[]
  bandwidth?: BandwidthLimits
  mac?: string
}

/** A CNI 1.0 result; unknown fields are kept as they came. */
export interface CniResult {
  cniVersion?: string
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string; mtu?: number }>
  ips?: Array<{ interface?: number; address: string; gateway?: string }>
  routes?: Array<{ dst: string; gw?: string }>
  dns?: { nameservers?: string[]; domain?: string; search?: string[]; options?: string[] }
  [field: string]: unknown
}

/** How plugins are started; sys/exec's `run` unless a test stands in. */
export type PluginExec = (file: string, args: readonly string[], opts: ExecOptions) => Promise<ExecResult>

export interface CniInvocation {
  containerId: string
  /** path of the container's netns (a pinned file); may be '' for a DEL whose netns is gone */
  netns: string
  ifName: string
  /** CNI_ARGS, written `K1=V1;K2=V2` */
  args?: Record<string, string>
  runtimeConfig?: RuntimeConfig
  /** colon-separated plugin directories; default /usr/lib/cni */
  cniPath?: string
  /** argv prefix plugins run under, e.g. ['ip', 'netns', 'exec', 'testhost'] */
  wrap?: readonly string[]
  exec?: PluginExec
}

/** What a plugin reported when it failed; the `cause` of the BerthError cniAdd/cniDel throw. */
export interface CniFailure {
  plugin: string
  command: 'ADD' | 'DEL'
  code?: number
  msg: string
  details?: string
  stderr?: string
}

export async function cniAdd(conflist: Conflist, inv: CniInvocation): Promise<CniResult> {
  checkInvocation(inv)
  let result: CniResult | undefined
  for (let k = 0; k < conflist.plugins.length; k++) {
    try {
      result = (await runPlugin('ADD', conflist, conflist.plugins[k]!, inv, result)) ?? result
    } catch (err) {
      await rollback(conflist, k, inv, result)
      throw err
    }
  }
  return result ?? { cniVersion: conflist.cniVersion }
}

/**
 * Runs DEL for every plugin in reverse order and keeps going past failures, so each plugin gets
 * its chance to clean up; then throws one error naming every plugin that failed. Plugins treat a
 * missing netns or interface as done, so a repeated DEL succeeds. A netns path that no longer
 * holds a netns (the pin was unmounted but the file stayed) is passed as '': plugins 1.1.1
 * tolerate a path that does not exist, but fail on a plain file (`unknown FS magic on …`).
 */
export async function cniDel(conflist: Conflist, inv: CniInvocation, prevResult?: CniResult): Promise<void> {
  checkInvocation(inv)
  const delInv = { ...inv, netns: (await isNetns(inv.netns)) ? inv.netns : '' }
  const failures: BerthError[] = []
  for (let k = conflist.plugins.length - 1; k >= 0; k--) {
    try {
      await runPlugin('DEL', conflist, conflist.plugins[k]!, delInv, prevResult)
    } catch (err) {
      failures.push(err instanceof BerthError ? err : new BerthError('internal', String(err), { cause: err }))
    }
  }
  if (failures.length === 1) throw failures[0]
  if (failures.length > 1)
    throw new BerthError('internal', failures.map((f) => f.message).join('; '), { cause: failures.map((f) => f.cause) })
}

/** The stdin of one plugin (CNI spec 1.0 "deriving execution configuration"). */
export function pluginInput(conflist: Conflist, plugin: PluginConf, runtimeConfig: RuntimeConfig = {}, prevResult?: CniResult): Record<string, unknown> {
  const { capabilities, ...conf } = plugin
  const input: Record<string, unknown> = { ...conf, cniVersion: conflist.cniVersion, name: conflist.name }
  const rc: Record<string, unknown> = {}
  for (const [key, enabled] of Object.entries(capabilities ?? {})) {
    const value = (runtimeConfig as Record<string, unknown>)[key]
    if (enabled && value !== undefined) rc[key] = value
  }
  if (Object.keys(rc).length > 0) input.runtimeConfig = rc
  if (prevResult !== undefined) input.prevResult = prevResult
  return input
}

/** The environment of one plugin: ours without stray CNI_* variables, plus the CNI ones. */
export function pluginEnv(command: 'ADD' | 'DEL', inv: CniInvocation): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) if (!k.startsWith('CNI_')) env[k] = v
  env.CNI_COMMAND = command
  env.CNI_CONTAINERID = inv.containerId
  env.CNI_NETNS = inv.netns
  env.CNI_IFNAME = inv.ifName
  env.CNI_PATH = inv.cniPath ?? DEFAULT_CNI_PATH
  const args = Object.entries(inv.args ?? {})
  if (args.length > 0) env.CNI_ARGS = args.map(([k, v]) => `${k}=${v}`).join(';')
  return env
}

async function runPlugin(
  command: 'ADD' | 'DEL',
  conflist: Conflist,
  plugin: PluginConf,
  inv: CniInvocation,
  prevResult: CniResult | undefined,
): Promise<CniResult | undefined> {
  const context = `CNI plugin ${plugin.type} ${command} on network ${conflist.name}`
  const file = await findPlugin(plugin.type, inv.cniPath).catch((e: BerthError) => {
    throw new BerthError('internal', `${context}: ${e.message}`, { cause: { plugin: plugin.type, command, msg: e.message } })
  })
  const [prog, ...prefix] = inv.wrap && inv.wrap.length > 0 ? [...inv.wrap, file] : [file]
  const input = JSON.stringify(pluginInput(conflist, plugin, inv.runtimeConfig, prevResult))
  const started = performance.now()
  let r: ExecResult
  try {
    r = await (inv.exec ?? run)(prog!, prefix, { input, env: pluginEnv(command, inv) })
  } catch (e) {
    throw new BerthError('internal', `${context}: ${(e as Error).message}`, { cause: e })
  }
  log.debug('cni plugin', { plugin: plugin.type, command, ms: Math.round(performance.now() - started), code: r.code })
  if (r.code !== 0) {
    const failure = parseFailure(plugin.type, command, r)
    throw new BerthError('internal', `${context}: ${failure.msg}${failure.details ? `: ${failure.details}` : ''}`, { cause: failure })
  }
  if (command === 'DEL' || r.stdout.trim() === '') return undefined
  try {
    return JSON.parse(r.stdout) as CniResult
  } catch {
    throw new BerthError('internal', `${context}: result is not JSON: ${r.stdout.slice(0, 200)}`)
  }
}

/** A plugin's error: stdout is `{code, msg, details}` by the spec; else its stderr or stdout. */
export function parseFailure(plugin: string, command: 'ADD' | 'DEL', r: ExecResult): CniFailure {
  const stderr = r.stderr.trim() || undefined
  try {
    const e = JSON.parse(r.stdout) as { code?: unknown; msg?: unknown; details?: unknown }
    if (typeof e.msg === 'string' && e.msg !== '')
      return {
        plugin, command, msg: e.msg, stderr,
        ...(typeof e.code === 'number' ? { code: e.code } : {}),
        ...(typeof e.details === 'string' && e.details !== '' ? { details: e.details } : {}),
      }
  } catch {
    // not the spec's error JSON: fall back to the raw output
  }
  const text = stderr ?? (r.stdout.trim() || `exit status ${r.code}`)
  return { plugin, command, msg: text, stderr }
}

async function rollback(conflist: Conflist, failed: number, inv: CniInvocation, result: CniResult | undefined): Promise<void> {
  for (let k = failed; k >= 0; k--) {
    const plugin = conflist.plugins[k]!
    try {
      await runPlugin('DEL', conflist, plugin, inv, result)
    } catch (e) {
      // Best effort: the ADD error is the one the caller needs; a plugin whose ADD never got far
      // often cannot DEL either (macvlan with a missing parent: "Link not found").
      log.debug('cni rollback', { plugin: plugin.type, error: (e as Error).message })
    }
  }
}

const NSFS_MAGIC = 0x6e736673

async function isNetns(path: string): Promise<boolean> {
  if (path === '') return false
  try {
    return (await statfs(path)).type === NSFS_MAGIC
  } catch {
    return false
  }
}

// CNI spec 1.0: container ID alphanumeric plus `_.-`; interface name as Linux allows it.
const CONTAINER_ID = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/
const IFNAME = /^[^/:\s]{1,15}$/

function checkInvocation(inv: CniInvocation): void {
  if (!CONTAINER_ID.test(inv.containerId)) throw invalid(`invalid CNI container ID "${inv.containerId}"`)
  if (!IFNAME.test(inv.ifName) || inv.ifName === '.' || inv.ifName === '..') throw invalid(`invalid interface name "${inv.ifName}"`)
  for (const [k, v] of Object.entries(inv.args ?? {}))
    if (!/^[^=;]+$/.test(k) || v.includes(';')) throw invalid(`invalid CNI argument "${k}=${v}"`)
}
