// berth's command line: global flags, the command table, and the mapping from failures to
// Docker's messages and exit codes (flag errors 125, usage errors 1, daemon errors 1, run's own
// 125/126/127, else the container's code).
import type { CommandModule, Context, Io } from './command.js'
import { StatusError } from './command.js'
import { describe } from './errors.js'
import { FlagError, parseFlags, type FlagSpec } from './flags/parser.js'
import { commandHelp, flagTable, usageHint } from './help.js'
import { commands, findEntry, type Entry } from './table.js'
import { VERSION } from './version.js'

export const globalFlags: readonly FlagSpec[] = [
  { long: 'config', kind: 'value', type: 'string', help: 'Location of client config files', hidden: true },
  { long: 'context', short: 'c', kind: 'value', type: 'string', help: 'Name of the context to use', hidden: true },
  { long: 'debug', short: 'D', kind: 'bool', help: 'Enable debug mode' },
  { long: 'host', short: 'H', kind: 'list', type: 'list', help: 'Daemon socket to connect to' },
  { long: 'log-level', short: 'l', kind: 'value', type: 'string', help: 'Set the logging level ("debug", "info", "warn", "error", "fatal")', defaultText: '"info"' },
  { long: 'help', kind: 'bool', help: 'Print usage', hidden: true },
  { long: 'version', short: 'v', kind: 'bool', help: 'Print version information and quit' },
]

function topHelp(table: readonly Entry[], path: string, description: string): string {
  const width = Math.max(...table.map((e) => e.name.length)) + 2
  const list = table.map((e) => `  ${e.name.padEnd(width)}${e.description}`).join('\n')
  if (path) return `Usage:  berth ${path} COMMAND\n\n${description}\n\nCommands:\n${list}\n\nRun 'berth ${path} COMMAND --help' for more information on a command.\n`
  return `Usage:  berth [OPTIONS] COMMAND\n\nA container engine that speaks Docker's API\n\nCommands:\n${list}\n\nGlobal Options:\n${flagTable(globalFlags)}\n\nRun 'berth COMMAND --help' for more information on a command.\n`
}

/** cobra's argument checks as docker 28 words them; only "at least" points to --help with "See". */
function argsError(path: string, mod: CommandModule, n: number): { text: string; verb: 'Run' | 'See' } | undefined {
  const { min, max } = mod.args ?? {}
  const plural = (k: number) => `${k} argument${k === 1 ? '' : 's'}`
  let what: string | undefined
  let verb: 'Run' | 'See' = 'Run'
  if (max === 0 && n > 0) what = 'accepts no arguments'
  else if (min !== undefined && max !== undefined && min === max && n !== min) what = `requires ${plural(min)}`
  else if (min !== undefined && max !== undefined && (n < min || n > max)) what = `requires at least ${min} and at most ${plural(max)}`
  else if (min !== undefined && n < min) [what, verb] = [`requires at least ${plural(min)}`, 'See']
  else if (max !== undefined && n > max) [what, verb] = [`requires at most ${plural(max)}`, 'See']
  return what === undefined ? undefined : { text: `berth: 'berth ${path}' ${what}`, verb }
}

export async function main(argv: readonly string[], io: Io): Promise<number> {
  const err = (s: string) => void io.stderr.write(s.endsWith('\n') ? s : s + '\n')
  let global
  try {
    global = parseFlags(argv, globalFlags, { stopAtPositional: true })
  } catch (e) {
    if (!(e instanceof FlagError)) throw e
    err(`${e.message}\n\nUsage:  berth [OPTIONS] COMMAND [ARG...]\n\nRun 'berth --help' for more information`)
    return 125
  }
  if (global.bool('version')) {
    io.stdout.write(`berth version ${VERSION}\n`)
    return 0
  }
  let [name, ...rest] = global.args
  if (name === undefined || name === 'help' || global.bool('help')) {
    io.stdout.write(topHelp(commands, '', ''))
    return 0
  }
  let entry = findEntry(commands, name)
  let path = name
  if (entry?.sub) {
    const group = entry
    const subName = rest[0]
    if (subName === undefined || subName === '--help' || subName === '-h' || subName === 'help') {
      io.stdout.write(topHelp(group.sub!, path, group.description))
      return 0
    }
    entry = findEntry(group.sub!, subName)
    path = `${name} ${subName}`
    rest = rest.slice(1)
    if (!entry) {
      err(`berth: unknown command: berth ${path}\n\nRun 'berth ${name} --help' for more information`)
      return 1
    }
  }
  if (!entry?.load) {
    err(`berth: unknown command: berth ${name}\n\nRun 'berth --help' for more information`)
    return 1
  }
  const mod = await entry.load()
  const hasH = mod.flags.some((f) => f.short === 'h')
  const flags: FlagSpec[] = [...mod.flags, { long: 'help', short: hasH ? undefined : 'h', kind: 'bool', help: 'Print usage', hidden: true }]
  let parsed
  try {
    parsed = parseFlags(rest, flags, { stopAtPositional: mod.stopAtPositional })
  } catch (e) {
    if (!(e instanceof FlagError)) throw e
    err(`${e.message}\n\n${usageHint(path, mod.usage, 'Run')}`)
    return 125
  }
  if (parsed.bool('help')) {
    io.stdout.write(commandHelp(path, mod.usage, mod.description, mod.flags))
    return 0
  }
  const argErr = argsError(path, mod, parsed.args.length)
  if (argErr) {
    err(`${argErr.text}\n\n${usageHint(path, mod.usage, argErr.verb)}`)
    return 1
  }
  try {
    let opts
    try {
      opts = mod.parse(parsed, io)
    } catch (e) {
      if (e instanceof StatusError) throw e
      const msg = describe(e)
      throw new StatusError(path.endsWith('run') || path.endsWith('create') ? 125 : 1,
        `berth: ${msg}\n\nRun 'berth ${path} --help' for more information`)
    }
    // The API client (node:http and friends) loads only when a command needs it: --version and
    // --help stay cheap.
    const [{ Client }, { resolveHost }] = await Promise.all([import('../client/index.js'), import('../client/host.js')])
    const host = resolveHost(global.list('host').at(-1), io.env)
    const ctx: Context = { ...io, client: new Client(host, io.env), path }
    return (await mod.run(opts, ctx)) ?? 0
  } catch (e) {
    if (e instanceof StatusError) {
      if (e.message) err(e.message)
      return e.code
    }
    err(describe(e))
    return 1
  }
}
