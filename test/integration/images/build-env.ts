// One daemon per build test file (the docker CLI's legacy builder switched on), a scratch dir of
// build contexts, and the CLI shorthands the build tests share.
import { after, before } from 'node:test'
import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { startDaemon, type TestDaemon } from '../../helpers/daemon.js'

export interface BuildEnv {
  /** The file's daemon (set once `before` has run). */
  readonly d: TestDaemon
  readonly work: string
  /** A context directory from a file map. */
  context(name: string, files: Record<string, string>): string
  cliOk(cli: 'berth' | 'docker', args: string[]): string
  ok(args: string[]): string
  inspect(ref: string, format: string): string
  runIn(image: string, script: string): string
}

export function buildEnv(name: string): BuildEnv {
  let d: TestDaemon | undefined
  let work = ''
  before(async () => {
    d = await startDaemon(name)
    d.env.DOCKER_BUILDKIT = '0'
    work = mkdtempSync(`/tmp/berth-${name}-ctx-`)
  })
  after(async () => {
    rmSync(work, { recursive: true, force: true })
    await d?.cleanup()
  })
  const env: BuildEnv = {
    get d() {
      if (!d) throw new Error('the daemon is not started yet')
      return d
    },
    get work() {
      return work
    },
    context(dirName, files) {
      const dir = join(work, dirName)
      for (const [path, text] of Object.entries(files)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true })
        writeFileSync(join(dir, path), text)
      }
      return dir
    },
    cliOk(cli, args) {
      const r = env.d[cli](args, { timeoutMs: 120_000 })
      assert.equal(r.code, 0, `${cli} ${args.join(' ')}:\n${r.stdout}\n${r.stderr}`)
      return r.stdout
    },
    ok: (args) => env.cliOk('berth', args),
    inspect: (ref, format) => env.ok(['image', 'inspect', '-f', format, ref]).trim(),
    runIn: (image, script) => env.ok(['run', '--rm', '--entrypoint', '/bin/sh', image, '-c', script]),
  }
  return env
}
