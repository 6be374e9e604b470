// `berth events`: the daemon's event stream, one line per event as docker prints them:
// `<time> <type> <action> <id> (k=v, …)`, or --format per event.
import type { CommandModule } from '../command.js'
import { line } from '../command.js'
import { jsonLines } from '../../client/transport.js'
import { filtersParam, parseFilterFlags } from '../../client/filters.js'
import { parseTimestamp } from '../flags/timestamp.js'
import { compile } from '../output/template.js'

interface EventsOptions {
  since?: string
  until?: string
  filters: Record<string, string[]>
  format?: string
}

interface EventMessage {
  Type: string
  Action: string
  Actor: { ID: string; Attributes: Record<string, string> }
  time: number
  timeNano: number
  [k: string]: unknown
}

/** docker's default line: RFC 3339 with nanoseconds in local time, attributes sorted by key. */
export function eventLine(e: EventMessage): string {
  const secs = Math.floor(e.timeNano / 1e9)
  const nanos = String(e.timeNano % 1e9).padStart(9, '0')
  const time = new Date(secs * 1000).toISOString().replace(/\.\d{3}Z$/, `.${nanos}Z`)
  const attrs = Object.keys(e.Actor.Attributes ?? {})
    .sort()
    .map((k) => `${k}=${e.Actor.Attributes[k]}`)
  return `${time} ${e.Type} ${e.Action} ${e.Actor.ID}${attrs.length > 0 ? ` (${attrs.join(', ')})` : ''}`
}

export const command: CommandModule<EventsOptions> = {
  usage: '[OPTIONS]',
  description: 'Get real time events from the server',
  flags: [
    { long: 'filter', short: 'f', kind: 'list', type: 'filter', help: 'Filter output based on conditions provided' },
    { long: 'format', kind: 'value', type: 'string', help: 'Format output using a custom template' },
    { long: 'since', kind: 'value', type: 'string', help: 'Show all events created since timestamp' },
    { long: 'until', kind: 'value', type: 'string', help: 'Stream events until this timestamp' },
  ],
  args: { max: 0 },
  parse: (p) => {
    const now = Date.now()
    return {
      since: p.has('since') ? parseTimestamp(p.str('since')!, now) : undefined,
      until: p.has('until') ? parseTimestamp(p.str('until')!, now) : undefined,
      filters: parseFilterFlags(p.list('filter')),
      format: p.str('format'),
    }
  },
  run: async (o, ctx) => {
    const render = o.format ? (o.format === 'json' ? compile('{{json .}}') : compile(o.format)) : undefined
    const stream = await ctx.client.system.events({ since: o.since, until: o.until, filters: filtersParam(o.filters) })
    for await (const e of jsonLines<EventMessage>(stream)) line(ctx.stdout, render ? render(e) : eventLine(e))
  },
}
