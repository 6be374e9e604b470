// Help text in the docker CLI's shape: "Usage:  berth run [OPTIONS] …", a description, and the
// flag table (pflag layout: `  -a, --all type` left column, usage three spaces after the widest).
import type { FlagSpec } from './flags/parser.js'

export function flagTable(flags: readonly FlagSpec[]): string {
  const visible = flags.filter((f) => !f.hidden)
  const left = visible.map((f) => {
    const names = f.short ? `  -${f.short}, --${f.long}` : `      --${f.long}`
    return f.kind === 'bool' ? names : `${names} ${f.type ?? 'string'}`
  })
  const width = Math.max(0, ...left.map((l) => l.length))
  return visible.map((f, i) => `${left[i]!.padEnd(width)}   ${f.help}${f.defaultText ? ` (default ${f.defaultText})` : ''}`).join('\n')
}

export function commandHelp(path: string, usage: string, description: string, flags: readonly FlagSpec[]): string {
  const parts = [`Usage:  berth ${path}${usage ? ` ${usage}` : ''}`, description]
  const visible = flags.filter((f) => !f.hidden && f.long !== 'help')
  if (visible.length) parts.push(`Options:\n${flagTable(visible)}`)
  return parts.join('\n\n') + '\n'
}

export function usageHint(path: string, usage: string, verb: 'Run' | 'See'): string {
  return `Usage:  berth ${path}${usage ? ` ${usage}` : ''}\n\n${verb} 'berth ${path} --help' for more information`
}
