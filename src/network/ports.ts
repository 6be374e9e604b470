// Published ports: Docker's PortBindings/PublishAllPorts/ExposedPorts → concrete mappings, and the
// host ports held by berthd while they are published, so a port taken by another container or a
// host service is refused up front (DNAT alone would silently steal or shadow it).
import { createServer, type Server } from 'node:net'
import { createSocket, type Socket } from 'node:dgram'
import { BerthError, invalid } from '../lib/errors.js'
import type { PortMapping } from '../state/records.js'
import { isIpv4 } from './ipv4.js'

export interface PortRequest {
  proto: PortMapping['proto']
  containerPort: number
  hostIp: string
  /** inclusive; [0, 0] = any ephemeral port */
  hostPorts: [number, number]
}

const PROTOS = new Set(['tcp', 'udp', 'sctp'])

/** `80/tcp` → [80, 'tcp']; Docker's error words for anything else. */
export function parsePortKey(key: string): { port: number; proto: PortMapping['proto'] } {
  const [portText = '', proto = 'tcp'] = key.split('/')
  const port = Number(portText)
  if (!/^\d+$/.test(portText) || port < 1 || port > 65535) throw invalid(`invalid port specification: "${portText}"`)
  if (!PROTOS.has(proto.toLowerCase())) throw invalid(`invalid proto: ${proto}`)
  return { port, proto: proto.toLowerCase() as PortMapping['proto'] }
}

function parseHostPorts(text: string): [number, number] {
  if (text === '' || text === undefined) return [0, 0]
  const m = /^(\d+)(?:-(\d+))?$/.exec(text)
  const lo = m ? Number(m[1]) : NaN
  const hi = m?.[2] !== undefined ? Number(m[2]) : lo
  if (!m || lo > 65535 || hi > 65535 || hi < lo) throw invalid(`invalid port specification: "${text}"`)
  return [lo, hi]
}

/** Validates and expands what the container asks to publish. */
export function portRequests(
  bindings: Record<string, Array<{ HostIp?: string; HostPort?: string }> | null> | null | undefined,
  publishAll: boolean,
  exposed: Record<string, unknown> | undefined,
): PortRequest[] {
  const out: PortRequest[] = []
  const seen = new Set<string>()
  for (const [key, list] of Object.entries(bindings ?? {})) {
    const { port, proto } = parsePortKey(key)
    seen.add(`${port}/${proto}`)
    for (const b of list?.length ? list : [{}]) {
      const hostIp = b.HostIp === '0.0.0.0' ? '' : (b.HostIp ?? '')
      if (hostIp && !isIpv4(hostIp)) {
        if (hostIp === '::' || hostIp.includes(':')) continue // no IPv6 publishing; Docker's CLI sends '::' twins
        throw invalid(`invalid IP address: ${hostIp}`)
      }
      out.push({ proto, containerPort: port, hostIp, hostPorts: parseHostPorts(b.HostPort ?? '') })
    }
  }
  if (publishAll)
    for (const key of Object.keys(exposed ?? {})) {
      const { port, proto } = parsePortKey(key)
      if (!seen.has(`${port}/${proto}`)) out.push({ proto, containerPort: port, hostIp: '', hostPorts: [0, 0] })
    }
  return out
}

type Holder = Server | Socket

function hold(proto: PortMapping['proto'], hostIp: string, port: number): Promise<{ holder?: Holder; port: number }> {
  const address = hostIp || '0.0.0.0'
  if (proto === 'sctp') return Promise.resolve({ port }) // Node cannot bind SCTP; the DNAT still works
  return new Promise((resolve, reject) => {
    if (proto === 'tcp') {
      const s = createServer()
      s.once('error', reject)
      s.listen({ host: address, port, exclusive: true, backlog: 1 }, () => {
        s.removeListener('error', reject)
        s.on('connection', (c) => c.destroy())
        resolve({ holder: s, port: (s.address() as { port: number }).port })
      })
    } else {
      const s = createSocket({ type: 'udp4' })
      s.once('error', reject)
      s.bind({ address, port, exclusive: true }, () => {
        s.removeListener('error', reject)
        s.on('message', () => undefined)
        resolve({ holder: s, port: s.address().port })
      })
    }
  })
}

const closeHolder = (h: Holder) => {
  try {
    h.close()
  } catch {
    // already closed
  }
}

/** The host ports berthd holds for each running container. */
export class PortReservations {
  private readonly held = new Map<string, Holder[]>()

  /** Binds every requested port (the first free one of a range); all or nothing. */
  async reserve(owner: string, reqs: readonly PortRequest[]): Promise<PortMapping[]> {
    const holders: Holder[] = []
    const out: PortMapping[] = []
    try {
      for (const r of reqs) {
        const [lo, hi] = r.hostPorts
        let got: { holder?: Holder; port: number } | undefined
        let lastError: unknown
        for (let p = lo; p <= hi && !got; p++) {
          got = await hold(r.proto, r.hostIp, p).catch((e: unknown) => {
            lastError = e
            return undefined
          })
        }
        if (!got) {
          const where = `${r.hostIp || '0.0.0.0'}:${lo === hi ? lo : `${lo}-${hi}`}`
          const code = (lastError as NodeJS.ErrnoException | undefined)?.code
          if (code === 'EADDRINUSE') throw new BerthError('conflict', `Bind for ${where} failed: port is already allocated`)
          throw new BerthError('invalid', `Bind for ${where} failed: ${(lastError as Error)?.message ?? 'unknown error'}`)
        }
        if (got.holder) holders.push(got.holder)
        out.push({ proto: r.proto, containerPort: r.containerPort, hostIp: r.hostIp, hostPort: got.port })
      }
    } catch (e) {
      holders.forEach(closeHolder)
      throw e
    }
    this.release(owner)
    this.held.set(owner, holders)
    return out
  }

  /** After a daemon restart: hold again what running containers publish (best effort). */
  async rehold(owner: string, ports: readonly PortMapping[]): Promise<void> {
    const holders: Holder[] = []
    for (const p of ports) {
      const got = await hold(p.proto, p.hostIp, p.hostPort).catch(() => undefined)
      if (got?.holder) holders.push(got.holder)
    }
    this.held.set(owner, holders)
  }

  release(owner: string): void {
    this.held.get(owner)?.forEach(closeHolder)
    this.held.delete(owner)
  }

  releaseAll(): void {
    for (const owner of [...this.held.keys()]) this.release(owner)
  }
}
