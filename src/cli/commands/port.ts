// `berth port CONTAINER [PRIVATE_PORT[/PROTO]]`: published ports from inspect.
import { line, StatusError, type CommandModule } from '../command.js'

export const command: CommandModule<{ ref: string; port?: string }> = {
  usage: 'CONTAINER [PRIVATE_PORT[/PROTO]]',
  description: 'List port mappings or a specific mapping for the container',
  flags: [],
  args: { min: 1, max: 2 },
  parse: (p) => ({ ref: p.args[0]!, port: p.args[1] }),
  run: async (o, ctx) => {
    const c = await ctx.client.containers.inspect(o.ref)
    const ports = c.NetworkSettings?.Ports ?? {}
    const addr = (b: { HostIp: string; HostPort: string }) => `${b.HostIp.includes(':') ? `[${b.HostIp}]` : b.HostIp || '0.0.0.0'}:${b.HostPort}`
    if (o.port !== undefined) {
      const key = o.port.includes('/') ? o.port : `${o.port}/tcp`
      const bindings = ports[key]
      if (!bindings?.length) throw new StatusError(1, `Error: No public port '${key}' published for ${o.ref}`)
      for (const b of bindings) line(ctx.stdout, addr(b))
      return
    }
    const keys = Object.keys(ports).sort((a, b) => parseInt(a) - parseInt(b) || a.localeCompare(b))
    for (const k of keys) for (const b of ports[k] ?? []) line(ctx.stdout, `${k} -> ${addr(b)}`)
  },
}
