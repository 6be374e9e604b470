// JSON-lines progress streams (pull, push, build, load, import): one JSON object per line,
// terminated by "\r\n" as dockerd's stream formatter does. A failure part-way cannot change the
// HTTP status any more, so it is sent as a final `{"errorDetail":…,"error":…}` line, which
// clients print and turn into a non-zero exit.
//
// Progress lines (what moby's pkg/progress + streamformatter send):
// - `progressText(detail, width?)`: moby's JSONProgress.String(): `[====>   ]  1.2MB/3.4MB`. The
//   bar (50 cells) is drawn only when width > 110; dockerd has no terminal, so width 200.
// - `progressMessage(status, id, detail)`: `{status, progressDetail, progress, id}`, one line.
// - `ProgressWriter.progress(status, id, current, total?, isFinal?)`: writes that line through a
//   per-id throttle (`progressThrottle`: the first update of an id and the final one, current >=
//   total, always pass; others at most one per 100 ms, as moby's rate limiter), so fast copies
//   do not flood the socket. Resolves to whether the line was sent.
// - `progressCounter(out, status, id, total)`: a pass-through stream that counts bytes and
//   reports them like moby's progress reader (every 1% or 512 KiB, then throttled); its flush
//   sends the final line. Use it for "Downloading", "Pushing", "Loading layer".
// progressText, progressThrottle and countProgress live in lib/progress.ts (the engine and the
// CLI use them too; neither may import api/) and are re-exported here.
import { PassThrough, type Readable, type Transform } from 'node:stream'
import { countProgress, progressText, progressThrottle, type ProgressDetail } from '../lib/progress.js'
import { BerthError } from '../lib/errors.js'
import { log } from '../lib/log.js'

export { countProgress, progressText, progressThrottle, type ProgressDetail } from '../lib/progress.js'

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

/** One progress line as dockerd's formatter writes it: field order, and zero values left out (Go's omitempty). */
export function progressMessage(status: string, id: string, detail: ProgressDetail): JsonMessage {
  const d: ProgressDetail = {}
  if (detail.current) d.current = detail.current
  if (detail.total) d.total = detail.total
  if (detail.hidecounts) d.hidecounts = true
  if (detail.units) d.units = detail.units
  const progress = progressText(d)
  return progress ? { status, progressDetail: d, progress, id } : { status, progressDetail: d, id }
}

export interface ProgressWriter {
  write(msg: JsonMessage): Promise<void>
  status(status: string, id?: string): Promise<void>
  /** Build output: `{"stream":"Step 1/3 : FROM busybox\n"}` */
  stream(text: string): Promise<void>
  aux(value: unknown): Promise<void>
  /**
   * A throttled progress line (see the header); final ones (current >= total) always go out.
   * Resolves to whether the line was sent.
   */
  progress(status: string, id: string, current: number, total?: number, isFinal?: boolean): Promise<boolean>
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
  const mayShow = progressThrottle()
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
    progress: (status, id, current, total, isFinal) => {
      if (!mayShow(id, isFinal ?? (total !== undefined && total > 0 && current >= total))) return Promise.resolve(false)
      return push(jsonLine(progressMessage(status, id, total === undefined ? { current } : { current, total }))).then(() => true)
    },
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

/**
 * A pass-through stream that reports the bytes flowing through as `status` progress lines for
 * `id` (see countProgress in lib/progress.ts); the final count always goes out.
 */
export function progressCounter(out: Pick<ProgressWriter, 'progress'>, status: string, id: string, total: number): Transform {
  return countProgress(total, (current, isFinal) => out.progress(status, id, current, total > 0 ? total : undefined, isFinal))
}
