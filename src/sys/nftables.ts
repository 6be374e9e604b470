// nftables scripts through libnftables in-process (the library the `nft` tool is built on): an
// element insert costs ~0.1 ms instead of a ~20 ms process. The context is made on first use, on
// the main thread outside any foreign namespace, so it speaks to berthd's own network namespace.
// Without the library (another distribution), the `nft` program does the same job.
import koffi from 'koffi'
import { run } from './exec.js'

interface Lib {
  ctx: unknown
  runCmd: (ctx: unknown, buf: string) => number
  errors: (ctx: unknown) => string
}

let lib: Lib | null | undefined

function load(): Lib | null {
  try {
    const so = koffi.load('libnftables.so.1')
    const newCtx = so.func('void *nft_ctx_new(uint32_t flags)')
    const bufferOutput = so.func('int nft_ctx_buffer_output(void *ctx)')
    const bufferError = so.func('int nft_ctx_buffer_error(void *ctx)')
    const ctx = newCtx(0)
    if (!ctx) return null
    bufferOutput(ctx) // keep listings off berthd's stdout
    bufferError(ctx)
    return {
      ctx,
      runCmd: so.func('int nft_run_cmd_from_buffer(void *ctx, const char *buf)'),
      errors: so.func('const char *nft_ctx_get_error_buffer(void *ctx)'),
    }
  } catch {
    return null
  }
}

/** Applies an `nft -f` script atomically; throws with nft's own message. */
export async function nftApply(script: string): Promise<void> {
  if (lib === undefined) lib = load()
  if (lib) {
    if (lib.runCmd(lib.ctx, script) !== 0) throw new Error(`nft: ${lib.errors(lib.ctx).trim()}`)
    return
  }
  const r = await run('nft', ['-f', '-'], { input: script })
  if (r.code !== 0) throw new Error(`nft: ${r.stderr.trim() || `exit status ${r.code}`}`)
}
