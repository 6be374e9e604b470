// Reading a FIFO without ever blocking a thread: open non-blocking, poll reads until the writer
// closes. Used to release a created runc container (its exec.fifo), see runtime/runc.ts.
import { closeSync, constants, openSync, readSync } from 'node:fs'
import { setTimeout as sleep } from 'node:timers/promises'

/**
 * Returns everything written before the last writer closed. An empty result means no writer had
 * the FIFO open: its process is gone, or has not opened it yet. Throws after `timeoutMs` if the
 * writer never closes.
 */
export async function drainFifo(path: string, timeoutMs = 10_000): Promise<Buffer> {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK)
  const chunks: Buffer[] = []
  const buf = Buffer.alloc(64)
  const deadline = Date.now() + timeoutMs
  try {
    for (;;) {
      let n: number
      try {
        n = readSync(fd, buf, 0, buf.length, null)
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e
        if (Date.now() > deadline) throw new Error(`reading ${path}: timed out`)
        await sleep(1)
        continue
      }
      if (n === 0) return Buffer.concat(chunks)
      chunks.push(Buffer.from(buf.subarray(0, n)))
    }
  } finally {
    closeSync(fd)
  }
}
