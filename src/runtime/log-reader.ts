// Reading the container log conmon writes in the k8s-file format, one record per line:
//   <RFC3339Nano> <stdout|stderr> <F|P> <text>
// F ends a line of the container's output (the '\n' itself is not stored); P is a piece of a
// longer line (conmon writes ≤ 8 KiB per record) or output without a newline yet. A LogEntry
// is one output line: the P pieces joined with the closing F, plus '\n'. Pieces still open at
// the end of a non-follow read are returned as they are, without '\n'.
// The reader never holds the whole file: tail scans backwards from the end in blocks.
import { open, type FileHandle } from 'node:fs/promises'
import { watch } from 'node:fs'

export interface LogEntry {
  stream: 'stdout' | 'stderr'
  /** The record's timestamp as written (the first piece's, for joined P records). */
  time: string
  line: Buffer
}

export interface ReadLogOptions {
  /** Only the last N lines (negative or undefined: all). */
  tail?: number
  /** Unix seconds, fractional: skip lines written before. */
  since?: number
  /** Unix seconds, fractional: stop at the first line written after. */
  until?: number
  follow?: boolean
  signal?: AbortSignal
  /** Follow ends once this is false and the file has been read to its end. */
  isRunning?: () => boolean
}

export interface LogRecord {
  time: string
  stream: 'stdout' | 'stderr'
  full: boolean
  text: Buffer
}

/** Parses one record (without its '\n'); undefined for a malformed line. */
export function parseRecord(line: Buffer): LogRecord | undefined {
  const s1 = line.indexOf(0x20)
  const s2 = s1 < 0 ? -1 : line.indexOf(0x20, s1 + 1)
  if (s2 < 0) return undefined
  const stream = line.toString('latin1', s1 + 1, s2)
  if (stream !== 'stdout' && stream !== 'stderr') return undefined
  const tag = line.toString('latin1', s2 + 1, s2 + 2)
  if (tag !== 'F' && tag !== 'P') return undefined
  // the tag may be followed by the text's separating space, or end the line (an empty line)
  const textStart = Math.min(line.length, s2 + 3)
  return { time: line.toString('latin1', 0, s1), stream, full: tag === 'F', text: line.subarray(textStart) }
}

/** RFC 3339 with nanoseconds → unix seconds (fractional). NaN when unparsable. */
export function parseTime(t: string): number {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(Z|[+-]\d\d:\d\d)$/.exec(t)
  if (!m) return Number.NaN
  const whole = Date.parse(m[1]! + m[3]!) / 1000
  return whole + (m[2] ? Number(`0${m[2]}`) : 0)
}

/** Joins records into lines; keeps P pieces per stream until their F arrives. */
export class LineJoiner {
  private open: Partial<Record<'stdout' | 'stderr', { time: string; parts: Buffer[] }>> = {}

  push(r: LogRecord): LogEntry | undefined {
    const cur = this.open[r.stream]
    if (!r.full) {
      if (cur) cur.parts.push(r.text)
      else this.open[r.stream] = { time: r.time, parts: [r.text] }
      return undefined
    }
    delete this.open[r.stream]
    const parts = cur ? [...cur.parts, r.text, NL] : [r.text, NL]
    return { stream: r.stream, time: cur?.time ?? r.time, line: Buffer.concat(parts) }
  }

  /** Pieces without their F, for the end of a read. */
  flush(): LogEntry[] {
    const out: LogEntry[] = []
    for (const stream of ['stdout', 'stderr'] as const) {
      const cur = this.open[stream]
      if (cur) out.push({ stream, time: cur.time, line: Buffer.concat(cur.parts) })
    }
    this.open = {}
    return out
  }
}

const NL = Buffer.from('\n')
const BLOCK = 64 * 1024

/**
 * An offset from which the last `n` lines can be read whole. Going backwards it counts line
 * ends: an F record, or the run of P pieces the file ends with (output without a final
 * newline). stdout and stderr records interleave, so a tail line's P pieces may lie before
 * other lines' records: the scan continues until every stream with a line in the tail has
 * met its previous line end. Reading from there yields at least the last `n` lines (maybe a
 * few more, possibly a truncated first one): the caller keeps the last `n`.
 * A record without its '\n' (being written) does not count.
 */
export async function tailOffset(fh: FileHandle, size: number, n: number): Promise<number> {
  if (n <= 0) return size
  let end = size
  let after = Buffer.alloc(0) // the first bytes following `end`, to read a line's header
  let hasLaterNl = false
  let seenRecord = false
  let count = 0
  const open = new Set<string>() // streams whose earliest tail line may have P pieces further back
  let laterLineStart = size
  const countLine = (lineStart: number, header: Buffer): number | undefined => {
    const rec = hasLaterNl ? parseRecord(header) : undefined
    const isLast = rec !== undefined && !seenRecord
    if (rec) seenRecord = true
    if (rec && (rec.full || isLast)) {
      if (count < n) {
        count++
        open.add(rec.stream)
      } else {
        open.delete(rec.stream)
        if (open.size === 0) return laterLineStart
      }
    }
    laterLineStart = lineStart
    return undefined
  }
  while (end > 0) {
    const start = Math.max(0, end - BLOCK)
    const buf = Buffer.alloc(end - start)
    await fh.read(buf, 0, buf.length, start)
    const joined = Buffer.concat([buf, after])
    for (let i = buf.length - 1; i >= 0; i--) {
      if (buf[i] !== 0x0a) continue
      const found = countLine(start + i + 1, headerAt(joined, i + 1))
      if (found !== undefined) return found
      hasLaterNl = true
    }
    after = joined.subarray(0, HEADER)
    end = start
  }
  return 0
}

const HEADER = 128
function headerAt(b: Buffer, off: number): Buffer {
  const h = b.subarray(off, off + HEADER)
  const nl = h.indexOf(0x0a)
  return nl >= 0 ? h.subarray(0, nl) : h
}

/** Reads complete lines from `pos` to the current end; returns them and the new position. */
async function readLines(fh: FileHandle, pos: number): Promise<{ lines: Buffer[]; pos: number }> {
  const lines: Buffer[] = []
  let rest = Buffer.alloc(0)
  for (;;) {
    const buf = Buffer.alloc(BLOCK)
    const { bytesRead } = await fh.read(buf, 0, BLOCK, pos + rest.length)
    if (bytesRead === 0) break
    let data = Buffer.concat([rest, buf.subarray(0, bytesRead)])
    let nl: number
    while ((nl = data.indexOf(0x0a)) >= 0) {
      lines.push(data.subarray(0, nl))
      pos += nl + 1
      data = data.subarray(nl + 1)
    }
    rest = data
  }
  return { lines, pos }
}

/** Lines of a k8s-file log, oldest first; see ReadLogOptions. */
export async function* readLog(path: string, opts: ReadLogOptions = {}): AsyncGenerator<LogEntry> {
  const fh = await open(path, 'r')
  let changes: ChangeWaiter | undefined
  try {
    const size = (await fh.stat()).size
    const tail = opts.tail !== undefined && opts.tail >= 0 ? opts.tail : undefined
    let pos = tail !== undefined ? await tailOffset(fh, size, tail) : 0
    const joiner = new LineJoiner()
    changes = opts.follow ? new ChangeWaiter(path) : undefined
    for (let first = true; ; first = false) {
      if (opts.signal?.aborted) return
      const running = opts.follow ? (opts.isRunning?.() ?? true) : false
      const r = await readLines(fh, pos)
      pos = r.pos
      let batch: LogEntry[] = []
      for (const raw of r.lines) {
        const rec = parseRecord(raw)
        const entry = rec && joiner.push(rec)
        if (entry) batch.push(entry)
      }
      const done = !opts.follow || !running
      if (done && !opts.follow) batch.push(...joiner.flush())
      if (first && tail !== undefined) batch = tail === 0 ? [] : batch.slice(-tail)
      for (const entry of batch) {
        const t = parseTime(entry.time)
        if (opts.until !== undefined && t > opts.until) return
        if (opts.since !== undefined && t < opts.since) continue
        yield entry
      }
      if (done) return
      await changes!.wait(opts.signal)
    }
  } finally {
    changes?.close()
    await fh.close()
  }
}

/**
 * Waits for the file to change: one inotify watch for the whole follow (so a change between
 * two waits is not missed), plus a slow poll as a fallback (log reopened, watch failed).
 */
class ChangeWaiter {
  private dirty = false
  private wake: (() => void) | undefined
  private readonly watcher: ReturnType<typeof watch> | undefined

  constructor(path: string, private readonly pollMs = 250) {
    try {
      this.watcher = watch(path, () => this.notify())
      this.watcher.on('error', () => this.notify())
    } catch {
      this.watcher = undefined
    }
  }

  private notify() {
    this.dirty = true
    this.wake?.()
  }

  wait(signal?: AbortSignal): Promise<void> {
    if (this.dirty || signal?.aborted) {
      this.dirty = false
      return Promise.resolve()
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer)
        signal?.removeEventListener('abort', done)
        this.wake = undefined
        this.dirty = false
        resolve()
      }
      const timer = setTimeout(done, this.pollMs)
      this.wake = done
      signal?.addEventListener('abort', done, { once: true })
    })
  }

  close() {
    this.watcher?.close()
  }
}
