// `berth version`: client and daemon versions.
import type { CommandModule } from '../command.js'
import { compile } from '../output/template.js'
import { VERSION } from '../version.js'
import { CLIENT_API_VERSION } from '../../client/transport.js'
import { describe } from '../errors.js'

export const command: CommandModule<{ format?: string }> = {
  usage: '[OPTIONS]',
  description: 'Show the berth version information',
  flags: [{ long: 'format', short: 'f', kind: 'value', type: 'string', help: 'Format output using a custom template' }],
  args: { max: 0 },
  parse: (p) => ({ format: p.str('format') }),
  run: async (o, ctx) => {
    const client = {
      Version: VERSION, ApiVersion: CLIENT_API_VERSION, DefaultAPIVersion: CLIENT_API_VERSION, GoVersion: process.version,
      Os: process.platform, Arch: process.arch === 'x64' ? 'amd64' : process.arch, Context: 'default',
    }
    let server: Awaited<ReturnType<typeof ctx.client.system.version>> | undefined
    let error: unknown
    try {
      server = await ctx.client.system.version()
    } catch (e) {
      error = e
    }
    if (o.format) ctx.stdout.write(compile(o.format)({ Client: client, Server: server ?? null }) + '\n')
    else {
      let out = `Client:\n Version:           ${client.Version}\n API version:       ${client.ApiVersion}\n Node version:      ${client.GoVersion}\n OS/Arch:           ${client.Os}/${client.Arch}\n Context:           default\n`
      if (server) {
        out += `\nServer: ${server.Platform?.Name ?? 'berth'}\n Engine:\n  Version:          ${server.Version}\n  API version:      ${server.ApiVersion}${server.MinAPIVersion ? ` (minimum version ${server.MinAPIVersion})` : ''}\n`
        if (server.GitCommit) out += `  Git commit:       ${server.GitCommit}\n`
        out += `  OS/Arch:          ${server.Os}/${server.Arch}\n`
        if (server.Experimental !== undefined) out += `  Experimental:     ${server.Experimental}\n`
        for (const c of server.Components ?? []) if (c.Name !== 'Engine') out += ` ${c.Name}:\n  Version:          ${c.Version}\n`
      }
      ctx.stdout.write(out)
    }
    if (error) {
      ctx.stderr.write(describe(error) + '\n')
      return 1
    }
  },
}
