// /containers/{id}/exec and /exec/{id}/*.
import type { ExecInspect } from './types.js'
import type { Hijacked, Transport } from './transport.js'

export interface ExecCreateBody {
  User: string
  Privileged: boolean
  Tty: boolean
  ConsoleSize?: [number, number] | null
  AttachStdin: boolean
  AttachStderr: boolean
  AttachStdout: boolean
  Detach: boolean
  DetachKeys: string
  Env: string[] | null
  WorkingDir: string
  Cmd: string[]
}

export class Execs {
  constructor(private readonly t: Transport) {}

  create(ref: string, body: ExecCreateBody): Promise<{ Id: string }> {
    return this.t.json({ method: 'POST', path: `/containers/${encodeURIComponent(ref)}/exec`, body })
  }
  startDetached(id: string, tty: boolean): Promise<number> {
    return this.t.empty({ method: 'POST', path: `/exec/${id}/start`, body: { Detach: true, Tty: tty } })
  }
  start(id: string, tty: boolean, consoleSize?: [number, number]): Promise<Hijacked> {
    return this.t.hijack({ method: 'POST', path: `/exec/${id}/start`, body: { Detach: false, Tty: tty, ...(consoleSize ? { ConsoleSize: consoleSize } : {}) } })
  }
  resize(id: string, h: number, w: number): Promise<number> {
    return this.t.empty({ method: 'POST', path: `/exec/${id}/resize`, query: { h, w } })
  }
  inspect(id: string): Promise<ExecInspect> {
    return this.t.json({ method: 'GET', path: `/exec/${id}/json` })
  }
}
