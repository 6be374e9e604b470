// `berth logs`: the container's output, demultiplexed unless it has a TTY.
import type { CommandModule } from '../command.js'
import { StdcopyDecoder } from '../../client/stdcopy.js'
import { parseTimestamp } from '../flags/timestamp.js'

export interface LogsOptions { ref: string; follow: boolean; tail: string; timestamps: boolean; since?: string; until?: string; details: boolean }

export const command: CommandModule<LogsOptions> = {
  usage: '[OPTIONS] CONTAINER',
  description: 'Fetch the logs of a container',
  flags: [
    { long: 'details', kind: 'bool', help: 'Show extra details provided to logs' },
    { long: 'follow', short: 'f', kind: 'bool', help: 'Follow log output' },
    { long: 'since', kind: 'value', type: 'string', help: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { long: 'tail', short: 'n', kind: 'value', type: 'string', help: 'Number of lines to show from the end of the logs', defaultText: '"all"' },
    { long: 'timestamps', short: 't', kind: 'bool', help: 'Show timestamps' },
    { long: 'until', kind: 'value', type: 'string', help: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  args: { min: 1, max: 1 },
  parse: (p) => {
    const now = Date.now()
    return {
      ref: p.args[0]!, follow: p.bool('follow'), tail: p.str('tail') ?? 'all', timestamps: p.bool('timestamps'), details: p.bool('details'),
      since: p.has('since') ? parseTimestamp(p.str('since')!, now) : undefined,
      until: p.has('until') ? parseTimestamp(p.str('until')!, now) : undefined,
    }
  },
  run: async (o, ctx) => {
    const c = await ctx.client.containers.inspect(o.ref)
    const stream = await ctx.client.containers.logs(c.Id, { stdout: true, stderr: true, ...o })
    const decoder = c.Config.Tty ? undefined : new StdcopyDecoder()
    for await (const chunk of stream) {
      if (!decoder) ctx.stdout.write(chunk as Buffer)
      else for (const f of decoder.push(chunk as Buffer)) (f.stream === 2 || f.stream === 3 ? ctx.stderr : ctx.stdout).write(f.data)
    }
  },
}
