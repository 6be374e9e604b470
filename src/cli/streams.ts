// Moving bytes between the terminal and a hijacked attach/exec connection: stdin raw (with
// client-side detach-key detection on a TTY), output demultiplexed from stdcopy frames when the
// container has no TTY, half-close on stdin EOF, terminal size kept in sync, signals proxied.
import type { Hijacked } from '../client/transport.js'
import { StdcopyDecoder } from '../client/stdcopy.js'
import type { Io } from './command.js'

export interface PumpOptions {
  tty: boolean
  /** Attach stdin: forward the client's stdin. */
  stdin: boolean
  detachKeys: number[]
}

export type PumpEnd = 'eof' | 'detached'

export interface Pump {
  /** Resolves when the daemon ends the output (or the user detached). */
  done: Promise<PumpEnd>
  close(): void
}

export function pump(h: Hijacked, io: Io, o: PumpOptions): Pump {
  let restore = () => {}
  let stopInput = () => {}
  let finish: (end: PumpEnd) => void = () => {}
  const done = new Promise<PumpEnd>((resolve) => {
    finish = (end) => {
      stopInput()
      restore()
      resolve(end)
    }
  })

  if (h.multiplexed && !o.tty) {
    const decoder = new StdcopyDecoder()
    h.output.on('data', (chunk: Buffer) => {
      for (const f of decoder.push(chunk)) (f.stream === 1 || f.stream === 0 ? io.stdout : io.stderr).write(f.data)
    })
  } else h.output.on('data', (chunk: Buffer) => io.stdout.write(chunk))
  h.output.on('end', () => finish('eof'))
  h.output.on('close', () => finish('eof'))
  h.output.on('error', () => finish('eof'))

  if (o.stdin) {
    const stdin = io.stdin
    if (stdin.isTTY && stdin.setRawMode) {
      stdin.setRawMode(true)
      restore = () => stdin.setRawMode?.(false)
    }
    const detectDetach = stdin.isTTY === true && o.detachKeys.length > 0
    let matched = 0
    const onData = (chunk: Buffer) => {
      if (detectDetach) {
        for (const b of chunk) {
          matched = b === o.detachKeys[matched] ? matched + 1 : b === o.detachKeys[0] ? 1 : 0
          if (matched === o.detachKeys.length) {
            h.close()
            finish('detached')
            return
          }
        }
      }
      h.write(chunk)
    }
    const onEnd = () => h.closeWrite()
    stdin.on('data', onData)
    stdin.on('end', onEnd)
    stdin.resume()
    stopInput = () => {
      stdin.off('data', onData)
      stdin.off('end', onEnd)
      stdin.pause()
    }
  }
  return { done, close: () => h.close() }
}

/** Sends the terminal size now and whenever it changes; returns the unsubscribe function. */
export function monitorTtySize(io: Io, resize: (h: number, w: number) => Promise<unknown>): () => void {
  const out = io.stdout
  if (!out.isTTY) return () => {}
  const send = () => void resize(out.rows ?? 24, out.columns ?? 80).catch(() => {})
  send()
  out.on('resize', send)
  return () => void out.off('resize', send)
}

const PROXIED = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'] as const

/** --sig-proxy: signals the CLI receives are sent to the container; returns the unsubscribe function. */
export function proxySignals(kill: (signal: string) => Promise<unknown>): () => void {
  const handlers = PROXIED.filter((s) => s !== 'SIGWINCH').map((sig) => {
    const h = () => void kill(sig).catch(() => {})
    process.on(sig, h)
    return [sig, h] as const
  })
  return () => handlers.forEach(([sig, h]) => process.off(sig, h))
}
