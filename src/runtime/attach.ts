// Talking to a running container through conmon (ENVIRONMENT §2.4).
// The attach socket is SOCK_SEQPACKET: each packet from conmon is one chunk, byte 0 the stream
// (2 = stdout, 3 = stderr; a TTY sends everything as 2), the rest the payload. Packets to
// conmon are raw stdin; conmon reads at most 32 KiB per packet and drops the rest, so writes
// are split here. Half-closing the socket is stdin EOF. There is no replay: only output
// produced while connected arrives (history is in the log file). Packets that arrive before
// the first 'data' listener is registered are held and delivered to it, so a caller may
// connect, start the process, then listen without losing output.
// Resizing a TTY goes through the `ctl` fifo conmon creates in the bundle dir.
import { open } from 'node:fs/promises'
import { constants } from 'node:fs'
import { join } from 'node:path'
import nus from 'node-unix-socket'

const { SeqpacketSocket } = nus

/** conmon reads this much per stdin packet and silently drops the rest. */
export const STDIN_PACKET_MAX = 32 * 1024

export interface AttachStream {
  on(ev: 'data', cb: (stream: 1 | 2, chunk: Buffer) => void): void
  on(ev: 'close', cb: () => void): void
  /** Raw stdin; split into packets of at most 32 KiB. */
  write(stdin: Buffer): void
  /** stdin EOF (half-close); output keeps flowing until conmon closes. */
  end(): void
  close(): void
}

/** Splits one conmon packet into (Docker stream number, payload). undefined for unknown ids. */
export function decodePacket(pkt: Buffer): { stream: 1 | 2; chunk: Buffer } | undefined {
  if (pkt.length < 1) return undefined
  const id = pkt[0]
  if (id === 2) return { stream: 1, chunk: pkt.subarray(1) }
  if (id === 3) return { stream: 2, chunk: pkt.subarray(1) }
  return undefined
}

/** Splits stdin into packets conmon accepts whole. */
export function stdinPackets(buf: Buffer, max = STDIN_PACKET_MAX): Buffer[] {
  const out: Buffer[] = []
  for (let off = 0; off < buf.length; off += max) out.push(buf.subarray(off, Math.min(off + max, buf.length)))
  return out
}

/** The line conmon's ctl fifo expects for a window resize. */
export const resizeMessage = (rows: number, cols: number) => `1 ${Math.trunc(rows)} ${Math.trunc(cols)}\n`

/** Connects to `<socketDir>/<id>/attach` (or an exec's `<execDir>/attach`). */
export function attach(socketPath: string): Promise<AttachStream> {
  return new Promise((resolve, reject) => {
    const sock = new SeqpacketSocket()
    // conmon sends ≤ 8192+1 bytes per packet; the default 256 KiB buffer is far more than needed
    sock.setInternalReadBufferSize(64 * 1024)
    const dataCbs: Array<(stream: 1 | 2, chunk: Buffer) => void> = []
    // packets that arrive before anyone listens are kept, so a fast process loses nothing
    let held: Array<{ stream: 1 | 2; chunk: Buffer }> | undefined = []
    const closeCbs: Array<() => void> = []
    let connected = false
    let closed = false
    const fireClose = () => {
      if (closed) return
      closed = true
      sock.destroy()
      for (const cb of closeCbs) cb()
    }
    sock.on('data', (pkt: Buffer) => {
      const d = decodePacket(pkt)
      if (!d || d.chunk.length === 0) return
      if (held) held.push(d)
      else for (const cb of dataCbs) cb(d.stream, d.chunk)
    })
    sock.on('error', (e: Error) => {
      if (!connected) reject(new Error(`attach ${socketPath}: ${e.message}`))
      fireClose()
    })
    sock.on('end', fireClose)
    sock.on('close', fireClose)
    const stream: AttachStream = {
      on(ev: 'data' | 'close', cb: never) {
        if (ev === 'data') {
          dataCbs.push(cb)
          const h = held
          held = undefined
          for (const d of h ?? []) for (const f of dataCbs) f(d.stream, d.chunk)
        } else if (closed) queueMicrotask(cb as () => void)
        else closeCbs.push(cb)
      },
      write(stdin: Buffer) {
        if (closed) return
        for (const p of stdinPackets(stdin)) sock.write(p)
      },
      end() {
        if (!closed) sock.end()
      },
      close: fireClose,
    }
    try {
      sock.connect(socketPath, () => {
        connected = true
        resolve(stream)
      })
    } catch (e) {
      reject(new Error(`attach ${socketPath}: ${(e as Error).message}`))
    }
  })
}

/**
 * Resizes the container's TTY. `dir` is the dir conmon was given as bundle (`-b`): that is
 * where it creates the `ctl` fifo (for an exec, the exec dir).
 */
export async function resize(dir: string, rows: number, cols: number): Promise<void> {
  // O_NONBLOCK: fail with ENXIO instead of hanging when conmon is gone
  const fh = await open(join(dir, 'ctl'), constants.O_WRONLY | constants.O_NONBLOCK)
  try {
    await fh.write(resizeMessage(rows, cols))
  } finally {
    await fh.close()
  }
}
