// Rendering a daemon's JSON message stream (pull, push, load, import, build) the way docker's
// jsonmessage.DisplayJSONMessagesStream does, so berth and docker print the same thing.
//
// On a terminal each `id` that reports progress owns one line: a new id appends a line, later
// messages for it move the cursor up to that line, erase it, redraw `<id>: <status> <bar>` and
// move back down. Any message without an id (or without progress) ends that block: later ids
// start new lines. The bar is drawn from `progressDetail` at the terminal's width (docker shows
// the 50-cell bar only above 110 columns, the sizes always).
// Not on a terminal, lines that carry a non-empty progress are skipped, so each status change
// of an id ("Pulling fs layer", "Download complete", "Loading layer" at 0) prints once.
// `stream` text is printed as is, `aux` goes to the callback, and an error line ends the
// rendering with a JsonStreamError (exit code 1, as docker; build may use `detailCode`).
import type { Readable } from 'node:stream'
import { jsonLines } from '../../client/transport.js'
import { progressText, type ProgressDetail } from '../../lib/progress.js'
import { StatusError } from '../command.js'

/** One line of the stream, with Docker's field names. */
export interface JsonMessage {
  id?: string
  status?: string
  progress?: string
  progressDetail?: ProgressDetail | null
  stream?: string
  from?: string
  aux?: unknown
  error?: string
  errorDetail?: { code?: number; message?: string } | null
}

export interface RenderOptions {
  out: { write(s: string): unknown }
  isTTY: boolean
  /** Terminal columns (0 for a pty without a size: no bar, as docker); 200 when unknown. */
  width?: number
  /** Called for each `aux` line (build's image ID, push's digest), in order. */
  onAux?: (aux: unknown) => void | Promise<void>
  /** Print nothing; errors still throw and aux still reaches onAux. */
  quiet?: boolean
}

/** An error line of the stream: printed as its message alone, exit code 1. */
export class JsonStreamError extends StatusError {
  constructor(
    message: string,
    /** errorDetail.code when the daemon sent one (build turns it into the exit code). */
    readonly detailCode?: number,
  ) {
    super(1, message)
  }
}

const ESC = '\x1b['
const eraseLine = `${ESC}2K`
const up = (n: number) => (n > 0 ? `${ESC}${n}A` : '')
const down = (n: number) => (n > 0 ? `${ESC}${n}B` : '')

/** Reads the whole stream, printing it as docker does; rejects on the first error line. */
export async function renderJsonMessages(stream: Readable | AsyncIterable<JsonMessage>, o: RenderOptions): Promise<void> {
  const messages = isReadable(stream) ? jsonLines<JsonMessage>(stream) : stream
  const render = jsonMessageRenderer(o)
  for await (const m of messages) await render(m)
}

const isReadable = (s: unknown): s is Readable => typeof (s as Readable).pipe === 'function'

/** The per-message step of renderJsonMessages, for callers that read the stream themselves. */
export function jsonMessageRenderer(o: RenderOptions): (m: JsonMessage) => Promise<void> {
  const write = o.quiet ? () => {} : (s: string) => void o.out.write(s)
  const width = o.width ?? 200
  // id → its line's index within the current block of progress lines
  let lines = new Map<string, number>()
  return async (m) => {
    if (m.aux !== undefined && m.aux !== null) {
      await o.onAux?.(m.aux)
      return
    }
    let diff = 0
    const hasProgress = m.progressDetail !== undefined && m.progressDetail !== null
    if (m.id && (hasProgress || m.progress)) {
      let line = lines.get(m.id)
      if (line === undefined) {
        line = lines.size
        lines.set(m.id, line)
        if (o.isTTY) write('\n')
      }
      diff = lines.size - line
      if (o.isTTY) write(up(diff))
    } else lines = new Map()
    const error = display(m, write, o.isTTY, width)
    if (m.id && o.isTTY) write(down(diff))
    if (error) throw error
  }
}

function display(m: JsonMessage, write: (s: string) => void, isTTY: boolean, width: number): JsonStreamError | undefined {
  if (m.errorDetail || m.error) return new JsonStreamError(m.errorDetail?.message ?? m.error ?? '', m.errorDetail?.code)
  const detail = m.progressDetail ?? undefined
  let endl = ''
  if (isTTY && !m.stream && detail) {
    endl = '\r'
    write(`${eraseLine}\r`)
  } else if (detail && progressText(detail) !== '') return undefined
  const status = m.status ?? ''
  let text = (m.id ? `${m.id}: ` : '') + (m.from ? `(from ${m.from}) ` : '')
  if (detail && isTTY) text += `${status} ${progressText(detail, width)}${endl}`
  else if (m.progress) text += `${status} ${m.progress}${endl}`
  else if (m.stream) text += `${m.stream}${endl}`
  else text += `${status}${endl}\n`
  write(text)
  return undefined
}

/** The terminal facts of an output stream, as the renderer wants them. */
export const terminalOf = (w: { isTTY?: boolean; columns?: number }) => ({ isTTY: w.isTTY === true, width: w.columns })
