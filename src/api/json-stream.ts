// JSON-lines progress streams (pull, push, build, load, import): one JSON object per line,
// terminated by "\r\n" as dockerd's stream formatter does. A failure part-way cannot change the
// HTTP status any more, so it is sent as a final `{"errorDetail":…,"error":…}` line, which
// clients print and turn into a non-zero exit.
import { PassThrough, type Readable } from 'node:stream'
import { BerthError } from '../lib/errors.js'
import { log } from '../lib/log.js'

export interface ProgressDetail {
  current?: number
  total?: number
}

/** One line of a JSON message stream, with Docker's field names. */
export interface JsonMessage {
  id?: string
  status?: string
  progress?: string
  progressDetail?: ProgressDetail
  stream?: string
  aux?: unknown
  error?: string
  errorDetail?: { code?: number; message: string }
}

export const jsonLine = (msg: JsonMessage): string => `${JSON.stringify(msg)}\r\n`

export const errorLine = (message: string): string => jsonLine({ errorDetail: { message }, error: message })

export interface ProgressWriter {
  write(msg: JsonMessage): Promise<void>
  status(status: string, id?: string): Promise<void>
  /** Build output: `{"stream":"Step 1/3 : FROM busybox\n"}` */
  stream(text: string): Promise<void>
  aux(value: unknown): Promise<void>
  /** Aborted when the client goes away; long producers should stop then. */
  signal: AbortSignal
}

/**
 * Runs `produce` and streams what it writes. If it throws, the error's message becomes the
 * last line (non-BerthErrors are also logged with their stack). The stream ends when `produce`
 * settles; destroying the stream aborts `signal`.
 */
export function progressStream(produce: (out: ProgressWriter) => Promise<void>): Readable {
  const out = new PassThrough()
  const abort = new AbortController()
  out.on('close', () => abort.abort())
  const push = async (line: string) => {
    if (out.destroyed) return
    if (!out.write(line)) await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done)
        out.off('close', done)
        resolve()
      }
      out.on('drain', done)
      out.on('close', done)
    })
  }
  const writer: ProgressWriter = {
    write: (msg) => push(jsonLine(msg)),
    status: (status, id) => push(jsonLine(id === undefined ? { status } : { status, id })),
    stream: (text) => push(jsonLine({ stream: text })),
    aux: (value) => push(jsonLine({ aux: value })),
    signal: abort.signal,
  }
  produce(writer).then(
    () => out.end(),
    (err) => {
      if (!(err instanceof BerthError)) {
        log.error('progress stream failed', { error: String(err), stack: err instanceof Error ? err.stack : undefined })
      }
      if (!out.destroyed) out.end(errorLine(err instanceof Error ? err.message : String(err)))
    },
  )
  return out
}
