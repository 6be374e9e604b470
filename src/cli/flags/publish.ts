// -p/--publish and --expose, as docker's nat.ParsePortSpecs reads them:
// [ip:][hostPort[-end]:]containerPort[-end][/proto]. Produces Docker's ExposedPorts and
// PortBindings maps ("80/tcp" keys).

export interface PortBinding {
  HostIp: string
  HostPort: string
}

export interface PortSpecs {
  exposed: Record<string, Record<string, never>>
  bindings: Record<string, PortBinding[]>
}

function parseRange(s: string, what: string): [number, number] {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s)
  if (!m) throw new Error(`invalid ${what}: ${s}`)
  const start = Number(m[1])
  const end = m[2] === undefined ? start : Number(m[2])
  if (start > 65535 || end > 65535) throw new Error(`invalid ${what}: ${s}`)
  if (end < start) throw new Error(`invalid range specified for ${what}: ${s}`)
  return [start, end]
}

function splitProto(s: string): [string, string] {
  const slash = s.lastIndexOf('/')
  if (slash < 0) return [s, 'tcp']
  const proto = s.slice(slash + 1).toLowerCase()
  if (!['tcp', 'udp', 'sctp'].includes(proto)) throw new Error(`invalid proto: ${proto}`)
  return [s.slice(0, slash), proto]
}

/** ip, hostPort, containerPort from the colon-separated form; IPv6 addresses come in brackets. */
function splitParts(raw: string): [string, string, string] {
  let ip = ''
  let rest = raw
  if (raw.startsWith('[')) {
    const close = raw.indexOf(']')
    if (close < 0 || raw[close + 1] !== ':') throw new Error(`invalid ip address: ${raw}`)
    ip = raw.slice(1, close)
    rest = raw.slice(close + 2)
    const colon = rest.indexOf(':')
    if (colon < 0) return [ip, '', rest]
    return [ip, rest.slice(0, colon), rest.slice(colon + 1)]
  }
  const parts = rest.split(':')
  if (parts.length === 1) return ['', '', parts[0]!]
  if (parts.length === 2) return ['', parts[0]!, parts[1]!]
  if (parts.length === 3) return [parts[0]!, parts[1]!, parts[2]!]
  // unbracketed IPv6: everything before the last two parts is the address
  return [parts.slice(0, -2).join(':'), parts[parts.length - 2]!, parts[parts.length - 1]!]
}

export function parsePublish(specs: readonly string[]): PortSpecs {
  const exposed: PortSpecs['exposed'] = {}
  const bindings: PortSpecs['bindings'] = {}
  for (const spec of specs) {
    const [raw, proto] = splitProto(spec)
    const [ip, hostPart, ctrPart] = splitParts(raw)
    if (ip !== '' && !/^[0-9a-fA-F:.]+$/.test(ip)) throw new Error(`invalid IP address: ${ip}`)
    if (ctrPart === '') throw new Error(`no port specified: ${spec}<empty>`)
    const [cStart, cEnd] = parseRange(ctrPart, 'containerPort')
    let hStart = 0
    let hEnd = 0
    if (hostPart !== '') [hStart, hEnd] = parseRange(hostPart, 'hostPort')
    const count = cEnd - cStart
    if (hostPart !== '' && count !== 0 && hEnd - hStart !== count) {
      throw new Error(`invalid ranges specified for container and host Ports: ${ctrPart} and ${hostPart}`)
    }
    for (let i = 0; i <= count; i++) {
      const key = `${cStart + i}/${proto}`
      let hostPort = ''
      if (hostPart !== '') {
        hostPort = count === 0 && hEnd !== hStart ? `${hStart}-${hEnd}` : String(hStart + i)
      }
      exposed[key] = {}
      ;(bindings[key] ??= []).push({ HostIp: ip, HostPort: hostPort })
    }
  }
  return { exposed, bindings }
}

/** --expose 80, 7000-7001/udp → keys added to ExposedPorts. */
export function parseExpose(specs: readonly string[]): string[] {
  const keys: string[] = []
  for (const e of specs) {
    let raw: string
    let proto: string
    try {
      ;[raw, proto] = splitProto(e)
      const [start, end] = parseRange(raw, 'range')
      for (let p = start; p <= end; p++) keys.push(`${p}/${proto}`)
    } catch (err) {
      throw new Error(`invalid range format for --expose: ${(err as Error).message}`)
    }
  }
  return keys
}
