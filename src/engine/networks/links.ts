// Legacy links (`--link target:alias`). On the default bridge they are environment variables and
// an /etc/hosts line; on user-defined networks a DNS alias seen only by the linking container.
import type { ContainerRecord } from '../../state/records.js'
import { parsePortKey } from '../../network/ports.js'

export interface Link {
  target: string
  alias: string
}

/** `name`, `name:alias`, or the stored form `/name:/container/alias`. */
export function parseLinks(links: readonly string[] | null | undefined): Link[] {
  return (links ?? []).map((l) => {
    const [rawTarget = '', rawAlias] = l.split(':')
    const target = rawTarget.replace(/^\//, '')
    const alias = rawAlias ? rawAlias.split('/').pop()! : target
    return { target, alias }
  })
}

const envName = (alias: string) => alias.toUpperCase().replace(/[^A-Z0-9]/g, '_')

/** The variables Docker gives a container for each legacy link. */
export function linkEnv(link: Link, self: ContainerRecord, target: ContainerRecord, ip: string): string[] {
  const prefix = envName(link.alias)
  const env = [`${prefix}_NAME=/${self.name}/${link.alias}`]
  const ports = Object.keys(target.config.ExposedPorts ?? {})
    .map(parsePortKey)
    .sort((a, b) => a.port - b.port || a.proto.localeCompare(b.proto))
  if (ports[0]) env.push(`${prefix}_PORT=${ports[0].proto}://${ip}:${ports[0].port}`)
  for (const p of ports) {
    const base = `${prefix}_PORT_${p.port}_${p.proto.toUpperCase()}`
    env.push(`${base}=${p.proto}://${ip}:${p.port}`, `${base}_ADDR=${ip}`, `${base}_PORT=${p.port}`, `${base}_PROTO=${p.proto}`)
  }
  for (const e of target.config.Env ?? []) {
    const eq = e.indexOf('=')
    if (eq < 0) continue
    const key = e.slice(0, eq)
    if (key === 'HOME' || key === 'PATH') continue
    env.push(`${prefix}_ENV_${key}=${e.slice(eq + 1)}`)
  }
  return env
}

export const linkHostsLine = (link: Link, target: ContainerRecord, ip: string) =>
  `${ip}\t${link.alias} ${target.id.slice(0, 12)} ${target.name}`.replace(` ${target.name}`, link.alias === target.name ? '' : ` ${target.name}`)
