// docker's prune prompt: "Are you sure you want to continue? [y/N] " on stdout, one line from stdin.
// Only "y" (any case) confirms; anything else cancels quietly, and docker then exits 0.
import type { Context } from '../command.js'

export async function confirm(ctx: Context, warning: string): Promise<boolean> {
  ctx.stdout.write(`${warning}\nAre you sure you want to continue? [y/N] `)
  const answer = await new Promise<string>((resolve) => {
    let buf = ''
    const onData = (c: Buffer) => {
      buf += c.toString()
      if (buf.includes('\n')) done()
    }
    const done = () => {
      ctx.stdin.off('data', onData)
      ctx.stdin.off('end', done)
      ctx.stdin.pause()
      resolve(buf.split('\n')[0]!.trim())
    }
    ctx.stdin.on('data', onData)
    ctx.stdin.on('end', done)
    ctx.stdin.resume()
  })
  return /^y$/i.test(answer)
}
