// `berth info`: the daemon's /info, in docker's layout (the common fields) or --format.
import type { CommandModule } from '../command.js'
import { compile } from '../output/template.js'
import { humanSize } from '../output/human.js'

export const command: CommandModule<{ format?: string }> = {
  usage: '[OPTIONS]',
  description: 'Display system-wide information',
  flags: [{ long: 'format', short: 'f', kind: 'value', type: 'string', help: 'Format output using a custom template' }],
  args: { max: 0 },
  parse: (p) => ({ format: p.str('format') }),
  run: async (o, ctx) => {
    const i = (await ctx.client.system.info()) as Record<string, any>
    if (o.format) {
      ctx.stdout.write(compile(o.format === 'json' ? '{{json .}}' : o.format)(i) + '\n')
      return
    }
    const rows: [string, unknown][] = [
      [' Containers', i['Containers']], ['  Running', i['ContainersRunning']], ['  Paused', i['ContainersPaused']],
      ['  Stopped', i['ContainersStopped']], [' Images', i['Images']], [' Server Version', i['ServerVersion']],
      [' Storage Driver', i['Driver']], [' Logging Driver', i['LoggingDriver']], [' Cgroup Driver', i['CgroupDriver']],
      [' Cgroup Version', i['CgroupVersion']], [' Kernel Version', i['KernelVersion']], [' Operating System', i['OperatingSystem']],
      [' OSType', i['OSType']], [' Architecture', i['Architecture']], [' CPUs', i['NCPU']],
      [' Total Memory', typeof i['MemTotal'] === 'number' ? humanSize(i['MemTotal'], 4) : undefined],
      [' Name', i['Name']], [' ID', i['ID']], [' Docker Root Dir', i['DockerRootDir']], [' Debug Mode', i['Debug']],
    ]
    let out = 'Server:\n'
    for (const [k, v] of rows) if (v !== undefined && v !== null) out += `${k}: ${v}\n`
    ctx.stdout.write(out)
  },
}
