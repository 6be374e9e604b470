// Progress of long copies (pull, push, load), as moby reports it:
// - progressText: moby's JSONProgress.String(), the text of one progress line,
//   `[====>   ]  1.2MB/3.4MB`. The daemon formats the `progress` field of stream lines with it;
//   the CLI redraws bars at its terminal's width from `progressDetail`, as docker's jsonmessage.
// - progressThrottle: moby's per-id rate limit (one update per 100 ms, first and final always).
// - countProgress: moby's progress reader as a pass-through stream counting bytes.
// The engine reports through these callbacks; api/json-stream.ts turns them into JSON lines.
import { Transform } from 'node:stream'
import { humanSizeDefault } from './human.js'

/** `progressDetail` of a JSON message, with Docker's field names. */
export interface ProgressDetail {
  current?: number
  total?: number
  /** Counts in these units instead of bytes ("2/5 layers"). */
  units?: string
  hidecounts?: boolean
}

/** moby's width when there is no terminal (always so for dockerd). */
const SERVER_WIDTH = 200
const BAR_CELLS = 50

/**
 * moby's JSONProgress.String() without the time-left part (that needs a start time, which
 * dockerd never sends): "" when nothing is known, the bar only when width > 110, sizes with
 * go-units HumanSize right-aligned to 8, the total dropped when current overshoots it.
 */
export function progressText(p: ProgressDetail, width = SERVER_WIDTH): string {
  const current = p.current ?? 0
  const total = p.total ?? 0
  if (current <= 0 && total <= 0) return ''
  if (total <= 0) return p.units ? `${current} ${p.units}` : humanSizeDefault(current).padStart(8)
  const filled = Math.min(BAR_CELLS, Math.trunc(Math.trunc((current / total) * 100) / 2))
  const bar = width > 110 ? `[${'='.repeat(filled)}>${' '.repeat(Math.max(0, BAR_CELLS - filled))}] ` : ''
  if (p.hidecounts) return bar
  if (p.units) return bar + (current > total ? `${current} ${p.units}` : `${current}/${total} ${p.units}`)
  const cur = humanSizeDefault(current).padStart(8)
  return bar + (current > total ? cur : `${cur}/${humanSizeDefault(total)}`)
}

/**
 * Per-id rate limit: answers whether an update may be sent now. The first update of an id and
 * final ones always pass (the client must see 100%); others pass at most once per interval.
 */
export function progressThrottle(intervalMs = 100, now: () => number = Date.now): (id: string, isFinal: boolean) => boolean {
  const lastSent = new Map<string, number>()
  return (id, isFinal) => {
    const t = now()
    const prev = lastSent.get(id)
    if (!isFinal && prev !== undefined && t - prev < intervalMs) return false
    lastSent.set(id, t)
    return true
  }
}

const UPDATE_EVERY = 512 * 1024

/**
 * Counts the bytes flowing through and calls `report` after every 1% of `total` (at most
 * 512 KiB apart, as moby's progress reader), and once more at the end with isFinal set unless
 * that exact count was just reported (`report` resolves to whether it sent the update: a
 * throttle may drop it). Waiting on `report` makes a slow client slow the copy down instead of
 * buffering lines.
 */
export function countProgress(total: number, report: (current: number, isFinal: boolean) => Promise<boolean>): Transform {
  const step = total > 0 ? Math.min(UPDATE_EVERY, Math.trunc(total / 100)) : UPDATE_EVERY
  let current = 0
  let checked = 0
  let sent = -1
  return new Transform({
    transform(chunk: Buffer, _enc, done) {
      current += chunk.length
      if (current - checked <= step) return done(null, chunk)
      checked = current
      const at = current
      report(at, total > 0 && at >= total).then((ok) => {
        if (ok) sent = at
        done(null, chunk)
      }, done)
    },
    flush(done) {
      if (current === sent) return done()
      report(current, true).then(() => done(), done)
    },
  })
}
